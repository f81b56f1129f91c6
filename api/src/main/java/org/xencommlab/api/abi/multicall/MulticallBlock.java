package org.xencommlab.api.abi.multicall;

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
 * The embedded form of a multicall's call list: one block holding the entries inline.
 *
 * <pre>
 * offset size field     type
 *      0   16 header    embedded_block_header, kind 2
 *     16    4 nr_calls  u32, equal to argument 1
 *     20    4 pad       must be zero
 *     24 64*n entries   multicall_entry each
 * </pre>
 *
 * The block's length must be exactly {@code 24 + 64 * nr_calls}. An entry whose call takes memory
 * carries, in its argument word, a reference to that call's own embedded block; the guest places
 * those blocks right after this one, inside the same contiguous placement, and the whole
 * placement is bounded by the maximum block size. The hypervisor checks each sub-call's block when
 * it dispatches the entry, as for any call.
 */
public final class MulticallBlock {
    public static final int NR_CALLS_OFFSET = 16;
    public static final int PAD_OFFSET = 20;
    public static final int ENTRIES_OFFSET = 24;

    public static final StructLayout LAYOUT = new StructLayout("multicall_list", AbiForm.EMBEDDED, List.of(
            Field.array("header", 0, 1, EmbeddedBlockHeader.SIZE, "embedded_block_header, kind 2"),
            Field.u32("nr_calls", NR_CALLS_OFFSET, "equal to argument 1"),
            Field.padding("pad", PAD_OFFSET, 4),
            Field.variableArray("entries", ENTRIES_OFFSET, MulticallEntry.SIZE, "multicall_entry")), ENTRIES_OFFSET, 8);

    /** The pointer form of the call list: argument 0 names an array of entries, nothing else. */
    public static final StructLayout POINTER_LAYOUT = new StructLayout("multicall_list", AbiForm.POINTER, List.of(
            Field.variableArray("entries", 0, MulticallEntry.SIZE, "multicall_entry; argument 0 names it, argument 1 is nr_calls")),
            0, 8);

    private MulticallBlock() {}

    /** The most entries one block of {@code maxBlock} bytes holds. */
    public static int maxCalls(int maxBlock) {
        return Math.max(0, (maxBlock - ENTRIES_OFFSET) / MulticallEntry.SIZE);
    }

    /** Encodes a block for {@code entries}. */
    public static byte[] encode(List<MulticallEntry> entries) {
        int length = ENTRIES_OFFSET + entries.size() * MulticallEntry.SIZE;
        byte[] block = new byte[length];
        new EmbeddedBlockHeader(BlockKind.MULTICALL, length).encode(block, 0);
        LittleEndian.putU32(block, NR_CALLS_OFFSET, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).encode(block, ENTRIES_OFFSET + i * MulticallEntry.SIZE);
        }
        return block;
    }

    /**
     * Validates a whole block copied into the hypervisor and returns its number of entries.
     *
     * @param nrCalls the {@code nr_calls} argument word, as an unsigned 32-bit count
     * @throws XenException EINVAL for a bad header, a length other than {@code 24 + 64 * nr_calls},
     *     a {@code nr_calls} field other than the argument or non-zero padding; E2BIG for a block
     *     above {@code maxBlock}
     */
    public static int decode(byte[] block, int maxBlock, long nrCalls) {
        EmbeddedBlockHeader header = EmbeddedBlockHeader.decode(block, 0, BlockKind.MULTICALL, maxBlock);
        if (header.length() != block.length || block.length < ENTRIES_OFFSET) {
            throw new XenException(XenErrno.EINVAL, "multicall block of " + block.length + " bytes, header says " + header.length());
        }
        long field = LittleEndian.u32(block, NR_CALLS_OFFSET);
        if (field != nrCalls) {
            throw new XenException(XenErrno.EINVAL, "multicall block holds " + field + " calls, argument says " + nrCalls);
        }
        if (LittleEndian.u32Bits(block, PAD_OFFSET) != 0) {
            throw new XenException(XenErrno.EINVAL, "multicall block padding is not zero");
        }
        if (ENTRIES_OFFSET + field * MulticallEntry.SIZE != block.length) {
            throw new XenException(XenErrno.EINVAL, "multicall block of " + block.length + " bytes cannot hold " + field + " entries");
        }
        return (int) field;
    }
}
