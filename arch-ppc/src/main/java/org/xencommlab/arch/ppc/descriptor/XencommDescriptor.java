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
 * may. Linux's {@code xencomm_map_no_alloc} uses a {@link #MINI_ADDRS 3}-entry "mini" descriptor
 * (32 bytes, aligned to its size) when the buffer spans at most three pages.
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
    /** Largest {@code nr_addrs} the hypervisor accepts: 65536 pages (256 MiB) per handle. */
    public static final long MAX_ADDRS = 1L << 16;
    /** Alignment the hypervisor requires of a descriptor ({@code __alignof__(struct xencomm_desc)}). */
    public static final int ALIGNMENT = 8;

    private XencommDescriptor() {}

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
