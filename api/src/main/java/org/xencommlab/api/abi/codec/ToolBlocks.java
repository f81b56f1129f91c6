package org.xencommlab.api.abi.codec;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The checks a strategy's kernel part makes on a tool's embedded-form blocks before it moves them
 * into kernel memory ({@code ArgumentStrategy.carryUserCall}): sizing a block and its multicall
 * sub-blocks from the tool's memory, and checking them again on the kernel's copy. Every strategy
 * that carries embedded blocks (embedded, percpu-page) uses the same rules, with its own limit (the
 * largest block, or one page).
 *
 * <p>Everything a tool wrote is hostile: a bad header or a sub-block word outside the tool's block
 * is EINVAL, a block past {@code limit} is E2BIG, and nothing is changed or allocated before the
 * check. Stateless.
 */
public final class ToolBlocks {
    private ToolBlocks() {}

    /**
     * The bytes the kernel must copy for the tool's block at {@code userAddress}: the block itself
     * and every sub-block its multicall words name ({@code codec.subBlockWords}), read from the
     * tool's memory. Each header is checked against {@code limit} (EINVAL below a header, E2BIG
     * above the limit), each word must name a place inside the block (EINVAL). The caller checks
     * the result against its own limit and says why in its own words.
     */
    public static long extent(UserCallKernel kernel, EmbeddedCodec codec, long userAddress, long[] args,
            IntUnaryOperator memoryArguments, long limit) {
        int blockLength = headerLength(kernel, userAddress, limit);
        long extent = blockLength;
        byte[] bytes = new byte[blockLength];
        kernel.readUser(userAddress, bytes, 0, bytes.length);
        for (int at : codec.subBlockWords(bytes, args, memoryArguments)) {
            long inside = subBlockOffset(LittleEndian.u64(bytes, at), userAddress, at, limit);
            extent = Math.max(extent, inside + headerLength(kernel, userAddress + inside, limit));
        }
        return extent;
    }

    /** The length the block header at {@code userAddress} of the tool's memory claims: EINVAL below a header, E2BIG above {@code limit}. */
    public static int headerLength(UserCallKernel kernel, long userAddress, long limit) {
        byte[] header = new byte[EmbeddedBlockHeader.SIZE];
        kernel.readUser(userAddress, header, 0, header.length);
        return checkedLength(header, 0, limit);
    }

    /**
     * The length of the block header at {@code offset} of {@code bytes}, which must fit within
     * {@code limit} bytes from the start: EINVAL if no header fits or it claims less than a header,
     * and for a block past the limit EINVAL when the limit is {@code bytes}' own length (a copy
     * already sized) or E2BIG otherwise.
     */
    public static int checkedLength(byte[] bytes, int offset, long limit) {
        if (offset + EmbeddedBlockHeader.SIZE > bytes.length) {
            throw new XenException(XenErrno.EINVAL, "no room for a block header at byte " + offset);
        }
        long length = LittleEndian.u32(bytes, offset + EmbeddedBlockHeader.LENGTH_OFFSET);
        if (length < EmbeddedBlockHeader.SIZE) {
            throw new XenException(XenErrno.EINVAL, "an embedded block of " + length + " bytes");
        }
        if (offset + length > limit) {
            throw new XenException(limit == bytes.length ? XenErrno.EINVAL : XenErrno.E2BIG, "an embedded block of " + length
                    + " bytes at byte " + offset + ", beyond " + limit);
        }
        return (int) length;
    }

    /**
     * Where a multicall entry's {@code word} (at byte {@code at} of the block) points inside the
     * tool's block at {@code userAddress}: EINVAL unless strictly inside the first {@code limit}
     * bytes, so that anything else (another address, a forged kernel reference) is never passed on.
     */
    public static long subBlockOffset(long word, long userAddress, int at, long limit) {
        long inside = word - userAddress;
        if (inside <= 0 || inside >= limit) {
            throw new XenException(XenErrno.EINVAL, "multicall entry word at byte " + at
                    + " does not name a sub-block of the block at 0x" + Long.toHexString(userAddress));
        }
        return inside;
    }

    /**
     * Points the sub-block words of a tool's block into the kernel's copy of it. For each word
     * {@code codec.subBlockWords} names in {@code copied} (the kernel's copy as read back, whose
     * first {@code copiedLength} bytes were checked), the sub-block it names must lie inside the
     * tool's block ({@link #subBlockOffset}, with {@code limit}) and have a header that fits in
     * {@code extent} ({@link #checkedLength}); the word is then rewritten, in {@code copy} and in
     * {@code copied}, to the reference of that byte of the copy. The tool's own words come back, for
     * {@link ToolWords#restore} to put back after the call: a tool never sees a kernel reference.
     */
    public static ToolWords pointSubBlocksInto(ArgumentPlacement.Placed copy, byte[] copied, int copiedLength,
            EmbeddedCodec codec, long[] args, IntUnaryOperator memoryArguments, long userAddress, long limit, long extent) {
        int[] offsets = codec.subBlockWords(Arrays.copyOf(copied, copiedLength), args, memoryArguments);
        long[] values = new long[offsets.length];
        byte[] word = new byte[8];
        for (int i = 0; i < offsets.length; i++) {
            values[i] = LittleEndian.u64(copied, offsets[i]);
            long inside = subBlockOffset(values[i], userAddress, offsets[i], limit);
            checkedLength(copied, (int) Math.min(inside, extent), extent);
            long reference = copy.referenceAt((int) inside).value();
            LittleEndian.putU64(word, 0, reference);
            copy.write(offsets[i], word, 0, 8);
            LittleEndian.putU64(copied, offsets[i], reference);
        }
        return new ToolWords(offsets, values);
    }

    /** The sub-block words of a tool's block as the tool wrote them: where each is, and its value. */
    public static final class ToolWords {
        private final int[] offsets;
        private final long[] values;

        private ToolWords(int[] offsets, long[] values) {
            this.offsets = offsets;
            this.values = values;
        }

        /** Writes the tool's own words back over the kernel's references, in {@code target}. */
        public void restore(ArgumentPlacement.Placed target) {
            byte[] word = new byte[8];
            for (int i = 0; i < offsets.length; i++) {
                LittleEndian.putU64(word, 0, values[i]);
                target.write(offsets[i], word, 0, 8);
            }
        }
    }
}
