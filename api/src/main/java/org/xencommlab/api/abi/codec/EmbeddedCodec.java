package org.xencommlab.api.abi.codec;

import java.util.List;
import java.util.function.IntUnaryOperator;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * One hypercall in the embedded form (no pointers: the whole argument in one block that starts
 * with an {@link org.xencommlab.api.abi.layout.EmbeddedBlockHeader}, at most {@code maxBlock} bytes).
 *
 * <p>An implementation must guarantee what {@link org.xencommlab.api.abi.ArgumentStrategy} asks of
 * a strategy, for its hypercall: {@link #blockBytes} is the length of what {@link #encode} makes;
 * {@link #encode} throws E2BIG for a request {@link #split} would have cut; {@link #decode} copies
 * each block once, treats every word and byte as hostile and throws only
 * {@link org.xencommlab.api.errno.XenException}.
 */
public interface EmbeddedCodec extends FormCodec {
    /** The strategy's own encoding of nested calls (a multicall's entries). */
    interface SubCalls {
        <R> EmbeddedCall<R> encode(HypercallRequest<R> request);

        long blockBytes(HypercallRequest<?> request);
    }

    /** {@code request} cut into parts whose blocks fit {@code maxBlock}; the request alone by default. */
    default <Q extends HypercallRequest<?>> List<Q> split(Q request, int maxBlock) {
        return List.of(request);
    }

    /** Bytes {@link #encode} would make for {@code request} (0 when it names no memory), unchecked against the maximum. */
    long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub);

    /** Encodes {@code request}; E2BIG when its block exceeds {@code maxBlock}. */
    <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub);

    /**
     * The kernel side of a tool's call: the byte offsets, inside this call's block as the kernel
     * copied it ({@code block}, hostile: the tool wrote it), of the words that name other blocks of
     * the same placement (a multicall's sub-call blocks), which the kernel rewrites to its own
     * references. {@code memoryArguments} gives a nested hypercall's memory argument in this form
     * (-1 when it has none). Never throws for any content; none by default.
     */
    default int[] subBlockWords(byte[] block, long[] args, IntUnaryOperator memoryArguments) {
        return new int[0];
    }

    /** Decodes the hostile arguments of a call into the view {@code kind}. */
    <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock);
}
