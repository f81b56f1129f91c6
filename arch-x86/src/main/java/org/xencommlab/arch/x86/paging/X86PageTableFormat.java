package org.xencommlab.arch.x86.paging;

import org.xencommlab.api.paging.FourLevelPageTableFormat;

/**
 * The page-table format of x86 guests: the x86-64 four-level format ({@link FourLevelPageTableFormat},
 * which documents the entry bits), whose tables the x86 hypervisor walks in guest memory. Stateless
 * and thread-safe.
 */
public final class X86PageTableFormat extends FourLevelPageTableFormat {
    public X86PageTableFormat() {
        super("x86-64 4-level");
    }
}
