package org.xencommlab.guest.abi;

import java.util.Objects;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;

/**
 * How much argument memory a request needs under a strategy, known before anything is allocated
 * (the mail's Problem #3 asks for exactly this): the request is prepared against a placement that
 * only counts, each piece aligned to {@link #ALIGNMENT} bytes as {@code alloc_mem} aligns it. No
 * memory is touched and nothing is issued; the strategy's own refusals (E2BIG for a request it
 * would split) come out as they would from the real preparation.
 */
public final class ArgumentSizes {
    /** Pieces start at multiples of 8 bytes, as {@code alloc_mem} hands them out. */
    public static final int ALIGNMENT = 8;

    private ArgumentSizes() {}

    /** {@code offset} rounded up to {@link #ALIGNMENT}. */
    public static long align(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Bytes the placements of {@code request} take, alignment included; 0 for a call that names no
     * memory.
     *
     * @throws XenException what {@link ArgumentStrategy#prepare} throws (E2BIG), or E2BIG when the
     *     total exceeds what one placement can hold
     */
    public static int bytesNeeded(ArgumentStrategy strategy, HypercallRequest<?> request) {
        Objects.requireNonNull(strategy, "strategy is null");
        Counting counting = new Counting();
        strategy.prepare(counting, request);
        if (counting.total > Integer.MAX_VALUE) {
            throw new XenException(XenErrno.E2BIG, request + " needs " + counting.total + " bytes of arguments");
        }
        return (int) counting.total;
    }

    /** Counts; the references it hands out name nothing, and nothing is ever issued with them. */
    private static final class Counting implements ArgumentPlacement {
        private long total;

        @Override
        public Placed place(byte[] src, int srcOffset, int length) {
            Objects.checkFromIndexSize(srcOffset, length, src.length);
            total = align(total) + length;
            return new Placed() {
                @Override
                public MemoryReference reference() {
                    return MemoryReference.NULL;
                }

                @Override
                public MemoryReference referenceAt(int offset) {
                    return MemoryReference.NULL;
                }

                @Override
                public int length() {
                    return length;
                }

                @Override
                public void write(int offset, byte[] bytes, int bytesOffset, int n) {}

                @Override
                public void read(int offset, byte[] dst, int dstOffset, int n) {
                    throw new IllegalStateException("a counting placement holds no bytes");
                }
            };
        }
    }
}
