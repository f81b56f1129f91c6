package org.xencommlab.api.abi.memory;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The embedded form of {@code xen_memory_reservation}: one block, no handle, the extent array inline.
 *
 * <pre>
 * offset size field          type
 *      0   16 header         embedded_block_header, kind 1
 *     16    8 nr_extents     u64
 *     24    4 extent_order   u32
 *     28    4 mem_flags      u32
 *     32    2 domid          u16
 *     34    6 pad            must be zero
 *     40  8*n extents        u64 frame numbers; the hypervisor writes results in place
 * </pre>
 *
 * The block's length must be exactly {@code 40 + 8 * nr_extents}, so one block of
 * {@code maxBlock} bytes holds at most {@link #maxExtents(int)} extents; a longer list is split
 * by the caller ({@link ReservationRequest#split(int)}).
 */
public final class ReservationBlock {
    public static final int NR_EXTENTS_OFFSET = 16;
    public static final int EXTENT_ORDER_OFFSET = 24;
    public static final int MEM_FLAGS_OFFSET = 28;
    public static final int DOMID_OFFSET = 32;
    public static final int PAD_OFFSET = 34;
    public static final int EXTENTS_OFFSET = 40;

    public static final StructLayout LAYOUT = new StructLayout("xen_memory_reservation", AbiForm.EMBEDDED, List.of(
            Field.array("header", 0, 1, EmbeddedBlockHeader.SIZE, "embedded_block_header, kind 1"),
            Field.u64("nr_extents", NR_EXTENTS_OFFSET, ""),
            Field.u32("extent_order", EXTENT_ORDER_OFFSET, "2^order pages per extent"),
            Field.u32("mem_flags", MEM_FLAGS_OFFSET, "XENMEMF_*"),
            Field.u16("domid", DOMID_OFFSET, ""),
            Field.padding("pad", PAD_OFFSET, 6),
            Field.variableArray("extents", EXTENTS_OFFSET, MemoryReservation.EXTENT_SIZE, "nr_extents frame numbers, in and out")),
            EXTENTS_OFFSET, 8);

    private ReservationBlock() {}

    /** The most extents one block of {@code maxBlock} bytes holds. */
    public static int maxExtents(int maxBlock) {
        return Math.max(0, (maxBlock - EXTENTS_OFFSET) / MemoryReservation.EXTENT_SIZE);
    }

    /** Encodes {@code request} as a block. */
    public static byte[] encode(ReservationRequest request) {
        long[] extents = request.extents();
        int length = EXTENTS_OFFSET + extents.length * MemoryReservation.EXTENT_SIZE;
        byte[] block = new byte[length];
        new EmbeddedBlockHeader(BlockKind.MEMORY_RESERVATION, length).encode(block, 0);
        LittleEndian.putU64(block, NR_EXTENTS_OFFSET, extents.length);
        LittleEndian.putU32(block, EXTENT_ORDER_OFFSET, request.extentOrder());
        LittleEndian.putU32(block, MEM_FLAGS_OFFSET, request.memFlags());
        LittleEndian.putU16(block, DOMID_OFFSET, request.domid());
        for (int i = 0; i < extents.length; i++) {
            LittleEndian.putU64(block, EXTENTS_OFFSET + i * MemoryReservation.EXTENT_SIZE, extents[i]);
        }
        return block;
    }

    /**
     * Decodes and validates a whole block copied into the hypervisor. The result's
     * {@code extentStart} is 0: the extents are in the block, at {@link #extentOffset(long)}.
     *
     * @throws XenException EINVAL for a bad header, a block whose length is not exactly
     *     {@code 40 + 8 * nr_extents} or non-zero padding; E2BIG for a block above {@code maxBlock}
     *     or {@code nr_extents} above {@link ReservationLimits#MAX_NR_EXTENTS}
     */
    public static MemoryReservation decode(byte[] block, int maxBlock) {
        EmbeddedBlockHeader header = EmbeddedBlockHeader.decode(block, 0, BlockKind.MEMORY_RESERVATION, maxBlock);
        if (header.length() != block.length || block.length < EXTENTS_OFFSET) {
            throw new XenException(XenErrno.EINVAL, "reservation block of " + block.length + " bytes, header says " + header.length());
        }
        if (!LittleEndian.isZero(block, PAD_OFFSET, 6)) {
            throw new XenException(XenErrno.EINVAL, "reservation block padding is not zero");
        }
        long nrExtents = LittleEndian.u64(block, NR_EXTENTS_OFFSET);
        if (Long.compareUnsigned(nrExtents, ReservationLimits.MAX_NR_EXTENTS) > 0) {
            throw new XenException(XenErrno.E2BIG, "nr_extents " + Long.toUnsignedString(nrExtents) + " too large");
        }
        if (EXTENTS_OFFSET + nrExtents * MemoryReservation.EXTENT_SIZE != block.length) {
            throw new XenException(XenErrno.EINVAL, "reservation block of " + block.length + " bytes cannot hold " + nrExtents + " extents");
        }
        return new MemoryReservation(0, nrExtents,
                LittleEndian.u32Bits(block, EXTENT_ORDER_OFFSET),
                LittleEndian.u32Bits(block, MEM_FLAGS_OFFSET),
                LittleEndian.u16(block, DOMID_OFFSET));
    }

    /** Byte offset of extent {@code index} in a block. */
    public static long extentOffset(long index) {
        return EXTENTS_OFFSET + index * MemoryReservation.EXTENT_SIZE;
    }
}
