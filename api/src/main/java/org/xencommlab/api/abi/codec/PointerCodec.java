package org.xencommlab.api.abi.codec;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * One hypercall in the pointer form (structures hold guest handles to their arrays, Xen's x86-64
 * layout): the guest places each structure and array separately; the hypervisor copies each fixed
 * structure once and reaches arrays one element at a time through the handles.
 *
 * <p>An implementation must guarantee what {@link org.xencommlab.api.abi.ArgumentStrategy} asks of
 * a strategy, for its hypercall: {@link #measure} reports exactly the pieces {@link #prepare} places,
 * in the same order; {@link #decode} treats every word and byte as hostile and throws only
 * {@link org.xencommlab.api.errno.XenException}.
 */
public interface PointerCodec extends FormCodec {
    /** The strategy's own encoding of nested calls (a multicall's entries). */
    interface SubCalls {
        <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request);

        void measure(HypercallRequest<?> request, PlacementSize size);
    }

    /** {@code request} cut into parts one call carries; the request alone by default. */
    default <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return List.of(request);
    }

    /** Reports to {@code size} every piece {@link #prepare} would place for {@code request}. */
    void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub);

    /** Places {@code request}'s memory and returns the words to issue and how to read the outcome. */
    <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub);

    /**
     * The guest handles in a tool's call of this hypercall with {@code args} (its pointer-form
     * handle sites, for a kernel that rewrites them, as Linux's xencomm whitelist knew them), the
     * top-level one in its ABI's {@link HypercallAbi#memoryArgument}; empty for a sub-operation
     * this codec does not know (the kernel answers ENOSYS). It reads the tool's memory only
     * through {@code reader}, treats it as hostile, refuses a handle longer than
     * {@link HandleSite#MAX_LENGTH} with E2BIG, and asks {@code nested} for the handles of a call
     * inside this one (a multicall's entries). The default knows no sub-operation.
     */
    default Optional<List<HandleSite>> handleSites(long[] args, HandleSiteFinder.MemoryReader reader, HandleSiteFinder nested) {
        return Optional.empty();
    }

    /** Decodes the hostile arguments of a call into the view {@code kind}. */
    <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args);
}
