package org.xencommlab.arch.ppc.paging;

import org.xencommlab.api.paging.AddressSpaceLayout;

/**
 * The ppc64 address space the guest kernel lays out.
 *
 * <ul>
 *   <li>user space: from {@link #USER_START} ({@code 0x1000_0000}, where ppc64 ELF executables
 *       load) up to {@link #USER_END} = 2^47, the part of quadrant 0 one radix tree of
 *       {@link PpcRadixPageTableFormat} maps;</li>
 *   <li>kernel direct map: {@link #KERNEL_DIRECT_MAP_BASE} = {@code 0xc000_0000_0000_0000}, Linux's
 *       ppc64 {@code PAGE_OFFSET} (quadrant 3);</li>
 *   <li>63 significant bits: an address is canonical when bits 63 and 62 are equal, that is in
 *       quadrant 0 or 3; quadrants 1 and 2 ({@code 0x4000...}, {@code 0x8000...}) are not.</li>
 * </ul>
 */
public final class PpcAddressSpace {
    public static final long USER_START = 0x1000_0000L;
    public static final long USER_END = 1L << 47;
    public static final long KERNEL_DIRECT_MAP_BASE = 0xc000_0000_0000_0000L;
    public static final int VIRTUAL_ADDRESS_BITS = 63;

    private PpcAddressSpace() {}

    public static AddressSpaceLayout layout() {
        return new AddressSpaceLayout(USER_START, USER_END, KERNEL_DIRECT_MAP_BASE, VIRTUAL_ADDRESS_BITS);
    }
}
