package org.xencommlab.arch.cvm.paging;

import org.xencommlab.api.paging.FourLevelPageTableFormat;

/**
 * The page-table format of a confidential guest: the x86-64 four-level format
 * ({@link FourLevelPageTableFormat}), in the guest's private memory, where the hypervisor never reads
 * it (it sees guest-physical addresses only). Stateless and thread-safe.
 */
public final class CvmPageTableFormat extends FourLevelPageTableFormat {
    public CvmPageTableFormat() {
        super("x86-64 4-level (cvm guest, private)");
    }
}
