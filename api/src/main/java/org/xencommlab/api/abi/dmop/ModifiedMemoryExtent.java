package org.xencommlab.api.abi.dmop;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * {@code struct xen_dm_op_modified_memory_extent}: a run of pages an emulator modified. Same in both
 * forms:
 *
 * <pre>
 * offset size field      type
 *      0    4 nr         u32: pages in the run
 *      4    4 pad        must be zero
 *      8    8 first_pfn  uint64_aligned_t
 *     16      total, aligned to 8
 * </pre>
 *
 * @param nr pages in the run, the bits of a u32
 * @param firstPfn the first guest frame
 */
public record ModifiedMemoryExtent(int nr, long firstPfn) {
    public static final int NR_OFFSET = 0;
    public static final int PAD_OFFSET = 4;
    public static final int FIRST_PFN_OFFSET = 8;
    public static final int SIZE = 16;

    public static final StructLayout POINTER_LAYOUT = layout(AbiForm.POINTER);
    public static final StructLayout EMBEDDED_LAYOUT = layout(AbiForm.EMBEDDED);

    private static StructLayout layout(AbiForm form) {
        return new StructLayout("xen_dm_op_modified_memory_extent", form, List.of(
                Field.u32("nr", NR_OFFSET, "pages"),
                Field.u32("pad", PAD_OFFSET, "must be zero"),
                Field.u64("first_pfn", FIRST_PFN_OFFSET, "")), SIZE, 8);
    }

    public void encode(byte[] bytes, int offset) {
        LittleEndian.putU32(bytes, offset + NR_OFFSET, nr);
        LittleEndian.putU32(bytes, offset + PAD_OFFSET, 0);
        LittleEndian.putU64(bytes, offset + FIRST_PFN_OFFSET, firstPfn);
    }

    /**
     * Decodes the 16 bytes at {@code offset} (caller checks bounds).
     *
     * @throws XenException EINVAL for a non-zero {@code pad}, as Xen's modified_memory checks it
     */
    public static ModifiedMemoryExtent decode(byte[] bytes, int offset) {
        if (LittleEndian.u32Bits(bytes, offset + PAD_OFFSET) != 0) {
            throw new XenException(XenErrno.EINVAL, "modified_memory extent pad is not zero");
        }
        return new ModifiedMemoryExtent(LittleEndian.u32Bits(bytes, offset + NR_OFFSET), LittleEndian.u64(bytes, offset + FIRST_PFN_OFFSET));
    }

    /**
     * Decodes one extent.
     *
     * @throws XenException EINVAL unless {@code bytes} holds exactly 16 bytes, or for a non-zero pad
     */
    public static ModifiedMemoryExtent decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new XenException(XenErrno.EINVAL, "extent is " + SIZE + " bytes, not " + bytes.length);
        }
        return decode(bytes, 0);
    }

    /** {@code nr} as its unsigned value. */
    public long nrUnsigned() {
        return Integer.toUnsignedLong(nr);
    }
}
