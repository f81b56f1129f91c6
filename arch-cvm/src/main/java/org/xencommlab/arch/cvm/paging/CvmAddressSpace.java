package org.xencommlab.arch.cvm.paging;

import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.paging.AddressSpaceLayout;

/**
 * The x86-64 virtual address space of a confidential (SEV-SNP or TDX) Linux guest, 4-level paging: the same layout as a plain x86-64 guest. The page tables are in private memory, so the hypervisor never walks them; it sees guest-physical addresses only.
 *
 * <ul>
 *   <li>user space from {@code 0x10000} (Linux's default {@code vm.mmap_min_addr}, 64 KiB, on
 *       x86) up to {@code TASK_SIZE_MAX = 0x7fff_ffff_f000} (2^47 less one guard page);</li>
 *   <li>the kernel direct map of all guest-physical memory at {@code page_offset_base}'s default
 *       {@code 0xffff_8880_0000_0000};</li>
 *   <li>48-bit canonical addresses: bits 63..47 all equal.</li>
 * </ul>
 */
public final class CvmAddressSpace {
    public static final PageSize PAGE_SIZE = PageSize.SIZE_4K;
    public static final long USER_START = 0x0000_0000_0001_0000L;
    public static final long USER_END = 0x0000_7fff_ffff_f000L;
    public static final long DIRECT_MAP_BASE = 0xffff_8880_0000_0000L;
    public static final int VIRTUAL_ADDRESS_BITS = 48;

    /** The layout every cvm guest of the lab uses. */
    public static final AddressSpaceLayout LAYOUT =
            new AddressSpaceLayout(USER_START, USER_END, DIRECT_MAP_BASE, VIRTUAL_ADDRESS_BITS);

    private CvmAddressSpace() {}
}
