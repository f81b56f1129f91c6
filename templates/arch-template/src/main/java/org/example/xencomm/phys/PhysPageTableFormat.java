package org.example.xencomm.phys;

import org.xencommlab.api.paging.FourLevelPageTableFormat;

/**
 * The guest's own page tables (the guest kernel writes them; this arch's hypervisor never reads
 * them): the x86-64 four-level format the SPI ships ({@link FourLevelPageTableFormat}, which
 * documents the entry bits), under this arch's name. An arch whose guests use another format
 * implements {@link org.xencommlab.api.paging.PageTableFormat} itself. Stateless.
 */
final class PhysPageTableFormat extends FourLevelPageTableFormat {
    PhysPageTableFormat() {
        super("phys 4-level");
    }
}
