package org.xencommlab.arch.ppc.descriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of a xencomm descriptor (Xen's {@code public/xencomm.h}), big-endian as on ppc64:
 * <pre>
 * struct xencomm_desc {
 *     uint32_t magic;      // XENCOMM_MAGIC, 0x58434F4D "XCOM"
 *     uint32_t nr_addrs;   // entries in address[]
 *     uint64_t address[];  // guest-physical address of one page piece each, or XENCOMM_INVALID
 * };
 * </pre>
 * An entry covers from its address to the end of its page; {@link #INVALID} entries cover nothing.
 * A descriptor starts 8-byte aligned, so its 8-byte header never crosses a page; its address array
 * may. Linux's {@code xencomm_map} sizes a descriptor with {@link #linuxNrAddrs}; its
 * {@code xencomm_map_no_alloc} uses a {@link #MINI_ADDRS 3}-entry "mini" descriptor (32 bytes,
 * aligned to its size) on a kernel caller's stack, never on the privcmd path.
 */
public final class XencommDescriptor {
    public static final int MAGIC = 0x58434F4D;
    public static final long INVALID = ~0L;
    public static final int HEADER_BYTES = 8;
    public static final int ENTRY_BYTES = 8;
    /** Linux's {@code XENCOMM_MINI_ADDRS}. */
    public static final int MINI_ADDRS = 3;
    /** {@code sizeof(struct xencomm_mini)}: header and three entries; also its alignment. */
    public static final int MINI_BYTES = HEADER_BYTES + MINI_ADDRS * ENTRY_BYTES;
    /**
     * Largest {@code nr_addrs} the lab's hypervisor accepts: 65536 pages (256 MiB) per handle. This
     * bound is the lab's own, not Xen's (xen/common/xencomm.c walks any {@code nr_addrs}): it caps
     * the entry cache one open descriptor keeps (at most 512 KiB) and the entries one copy walks.
     * A guest asking more gets -EINVAL, and the lab's own guest kernel refuses such a buffer with
     * -E2BIG before it builds a descriptor.
     */
    public static final long MAX_ADDRS = 1L << 16;
    /** Alignment the hypervisor requires of a descriptor ({@code __alignof__(struct xencomm_desc)}). */
    public static final int ALIGNMENT = 8;

    private XencommDescriptor() {}

    /**
     * {@code nr_addrs} as Linux's {@code xencomm_alloc} (drivers/xen/xencomm.c) computes it for a
     * buffer of {@code bytes} bytes at {@code buffer}:
     * {@code (((buffer + bytes) | ~PAGE_MASK) - (buffer & PAGE_MASK) + 1) >> PAGE_SHIFT}. A buffer
     * that ends exactly on a page boundary gets one entry more than the pages it spans (left
     * {@link #INVALID} by {@code xencomm_init}).
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive or the count exceeds {@link #MAX_ADDRS}
     */
    public static int linuxNrAddrs(long buffer, long bytes, int pageShift) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("no descriptor for " + bytes + " bytes");
        }
        long pageMask = -(1L << pageShift);
        long start = buffer & pageMask;
        long end = (buffer + bytes) | ~pageMask;
        long nrAddrs = (end - start + 1) >>> pageShift;
        if (nrAddrs > MAX_ADDRS) {
            throw new IllegalArgumentException("nr_addrs " + nrAddrs + " above " + MAX_ADDRS);
        }
        return (int) nrAddrs;
    }

    /** Bytes of a descriptor with {@code nrAddrs} entries. */
    public static int sizeOf(int nrAddrs) {
        return HEADER_BYTES + ENTRY_BYTES * nrAddrs;
    }

    /**
     * The bytes of a descriptor naming {@code addresses}, with {@code nrAddrs} entries (at least
     * {@code addresses.length}); entries beyond the addresses are {@link #INVALID}, as Linux's
     * {@code xencomm_init} marks them "just for safety".
     */
    public static byte[] encode(long[] addresses, int nrAddrs) {
        if (nrAddrs < addresses.length || nrAddrs > MAX_ADDRS) {
            throw new IllegalArgumentException("nr_addrs " + nrAddrs + " for " + addresses.length + " addresses");
        }
        ByteBuffer bytes = ByteBuffer.allocate(sizeOf(nrAddrs)).order(ByteOrder.BIG_ENDIAN);
        bytes.putInt(MAGIC).putInt(nrAddrs);
        for (long address : addresses) {
            bytes.putLong(address);
        }
        for (int i = addresses.length; i < nrAddrs; i++) {
            bytes.putLong(INVALID);
        }
        return bytes.array();
    }
}
