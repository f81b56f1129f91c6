package org.xencommlab.api.abi.dmop;

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
 * The embedded form of a modified_memory dm_op: the operation and its extents in one block, no
 * buffer array.
 *
 * <pre>
 * offset size  field                         type
 *      0   16  header                        embedded_block_header, kind 5
 *     16    4  op                            u32: 11
 *     20    4  pad                           must be zero
 *     24    4  u.modified_memory.nr_extents  u32
 *     28    4  u.modified_memory.opaque      u32
 *     32 16*n  extents                       xen_dm_op_modified_memory_extent
 * </pre>
 *
 * The block's length is {@code 32 + 16 * n}, where {@code n}, the extents the block holds (buffer
 * 1's capacity), is at least {@code nr_extents}: a guest makes {@code n == nr_extents}, and when
 * the hypervisor continues a long operation it lowers {@code nr_extents} in the block (Xen keeps
 * the progress in the operation), so the continued call sees a block holding more extents than
 * are left, as Xen's buffer 1 does.
 */
public final class DmOpBlock {
    public static final int OP_OFFSET = 16;
    public static final int EXTENTS_OFFSET = OP_OFFSET + ModifiedMemoryOp.SIZE;

    public static final StructLayout LAYOUT = new StructLayout("xen_dm_op", AbiForm.EMBEDDED, List.of(
            Field.array("header", 0, 1, EmbeddedBlockHeader.SIZE, "embedded_block_header, kind 5"),
            Field.u32("op", OP_OFFSET + ModifiedMemoryOp.OP_OFFSET, "XEN_DMOP_modified_memory = 11"),
            Field.u32("pad", OP_OFFSET + ModifiedMemoryOp.PAD_OFFSET, "must be zero"),
            Field.u32("u.modified_memory.nr_extents", OP_OFFSET + ModifiedMemoryOp.NR_EXTENTS_OFFSET, ""),
            Field.u32("u.modified_memory.opaque", OP_OFFSET + ModifiedMemoryOp.OPAQUE_OFFSET, ""),
            Field.variableArray("extents", EXTENTS_OFFSET, ModifiedMemoryExtent.SIZE, "xen_dm_op_modified_memory_extent")),
            EXTENTS_OFFSET, 8);

    private DmOpBlock() {}

    /** The most extents one block of {@code maxBlock} bytes holds. */
    public static int maxExtents(int maxBlock) {
        return Math.max(0, (maxBlock - EXTENTS_OFFSET) / ModifiedMemoryExtent.SIZE);
    }

    public static byte[] encode(ModifiedMemoryOp op, List<ModifiedMemoryExtent> extents) {
        int length = EXTENTS_OFFSET + extents.size() * ModifiedMemoryExtent.SIZE;
        byte[] block = new byte[length];
        new EmbeddedBlockHeader(BlockKind.DM_OP, length).encode(block, 0);
        op.encode(block, OP_OFFSET);
        for (int i = 0; i < extents.size(); i++) {
            extents.get(i).encode(block, EXTENTS_OFFSET + i * ModifiedMemoryExtent.SIZE);
        }
        return block;
    }

    /**
     * Decodes and validates a whole block copied into the hypervisor (extents are checked when read).
     *
     * @throws XenException EINVAL for a bad header, non-zero pad, a length that is not
     *     {@code 32 + 16 * n} or an {@code n} below {@code nr_extents}; E2BIG for a block above
     *     {@code maxBlock}; EOPNOTSUPP for another operation
     */
    public static ModifiedMemoryOp decode(byte[] block, int maxBlock) {
        EmbeddedBlockHeader header = EmbeddedBlockHeader.decode(block, 0, BlockKind.DM_OP, maxBlock);
        if (header.length() != block.length || block.length < EXTENTS_OFFSET) {
            throw new XenException(XenErrno.EINVAL, "dm_op block of " + block.length + " bytes, header says " + header.length());
        }
        ModifiedMemoryOp op = ModifiedMemoryOp.decode(block, OP_OFFSET);
        if ((block.length - EXTENTS_OFFSET) % ModifiedMemoryExtent.SIZE != 0
                || EXTENTS_OFFSET + op.nrExtentsUnsigned() * ModifiedMemoryExtent.SIZE > block.length) {
            throw new XenException(XenErrno.EINVAL, "dm_op block of " + block.length + " bytes cannot hold "
                    + op.nrExtentsUnsigned() + " extents");
        }
        return op;
    }

    /** The extent count a block's bytes hold (after {@link #decode}). */
    public static int extentCapacity(byte[] block) {
        return (block.length - EXTENTS_OFFSET) / ModifiedMemoryExtent.SIZE;
    }

    /** Byte offset of extent {@code index}. */
    public static int extentOffset(int index) {
        return EXTENTS_OFFSET + index * ModifiedMemoryExtent.SIZE;
    }
}
