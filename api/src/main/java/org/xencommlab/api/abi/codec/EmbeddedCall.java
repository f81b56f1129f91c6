package org.xencommlab.api.abi.codec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;

/**
 * One call encoded in the embedded form, before placement: its words (the block's reference goes
 * in word {@code refArg}), its bytes (its block, and for a multicall the sub-blocks after it, or
 * null when the call names no memory), the places inside those bytes where a reference to another
 * offset of the same placement must be written once placed ({@code {at, target}} pairs), and how to
 * read the outcome from the block at a base offset of the placement.
 *
 * @param <R> the outcome type
 */
public record EmbeddedCall<R>(int op, long[] args, int refArg, byte[] bytes, List<int[]> patches, Completion<R> completion) {
    public EmbeddedCall {
        args = args.clone();
        patches = List.copyOf(patches);
        requireNonNull(completion, "completion is null");
    }

    /** How to read one call's outcome from its block at {@code base} of the placement. */
    @FunctionalInterface
    public interface Completion<R> {
        R complete(long result, Placed placed, int base);
    }

    /** A call that names no memory: its words as they are, its result as its outcome. */
    public static EmbeddedCall<Long> plain(int op, long[] args) {
        return new EmbeddedCall<>(op, args, -1, null, List.of(), (result, placed, base) -> result);
    }

    @Override
    public long[] args() {
        return args.clone();
    }
}
