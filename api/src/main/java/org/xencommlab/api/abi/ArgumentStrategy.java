package org.xencommlab.api.abi;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * How hypercall arguments carry their data, for both sides of the trust boundary. {@code pointer}:
 * structures hold guest handles to their arrays, as in Xen's public headers. {@code embedded}: no
 * pointers anywhere; the whole argument, arrays included, travels in one contiguous block of
 * bounded size, and a larger request is split by the caller.
 *
 * <h2>Guest side</h2>
 * A caller (the balloon driver, the privcmd driver on behalf of a tool) describes what it wants as
 * a {@link HypercallRequest}, cuts it to size with {@link #split} (the parts keep the request's
 * type), asks {@link #argumentBytes} how much memory a part needs, and for each part asks
 * {@link #prepare} for argument words and placed memory, issues the hypercall and reads the
 * outcome:
 * <pre>{@code
 * for (ReservationRequest part : strategy.split(ReservationRequest.increase(n, 0, DOMID_SELF))) {
 *     placement = ... room for strategy.argumentBytes(part) bytes ...
 *     PreparedCall<ReservationOutcome> call = strategy.prepare(placement, part);
 *     ReservationOutcome out = call.complete(kernel.hypercall(call.op(), call.args()));
 *     ... out.extents() are the frames the hypervisor gave; stop if out.result() < nr of the part
 * }
 * }</pre>
 *
 * <h2>Hypervisor side</h2>
 * A handler asks the active strategy to decode its arguments into the view its hypercall's package
 * declares ({@link #decode} with, for example, {@code ReservationArguments.KIND}): the fixed
 * fields are copied once and validated on the copy; arrays are reached one element at a time
 * (Xen's {@code copy_from_guest_offset}), so a handler never materialises an unbounded array; the
 * view writes results back where the guest will read them (through the handles, or into the block).
 *
 * <h2>What an implementation must guarantee</h2>
 * <ul>
 *   <li>the two sides agree: what {@link #prepare} places, the same strategy's views decode to the
 *       same request, and what a view writes back, {@link PreparedCall#complete} reads back;</li>
 *   <li>every decoding method treats every guest byte and argument word as hostile: it either
 *       returns a view of a valid request or throws {@link org.xencommlab.api.errno.XenException}
 *       with Xen's errno (EFAULT for unreachable memory, EINVAL, E2BIG, EACCES, ENOSYS, EOPNOTSUPP
 *       as documented per view), and never another exception; it changes no state;</li>
 *   <li>it reads guest memory only through the {@link GuestCopy} given, each byte once per
 *       decoding, and writes only where the request's handles or block say;</li>
 *   <li>{@link #prepare} places memory only through the given {@link ArgumentPlacement} and fails
 *       with E2BIG (placing nothing) for a request that {@link #split} would have cut;</li>
 *   <li>{@link #argumentBytes} is exactly what {@link #prepare} places, computed without placing
 *       or encoding anything into guest memory;</li>
 *   <li>it is stateless apart from its configuration, and thread-safe.</li>
 * </ul>
 *
 * <p>A strategy knows no hypercall itself: it finds each one's codec for its form in a
 * {@link org.xencommlab.api.abi.codec.CodecRegistry} built from every hypercall package's
 * {@link org.xencommlab.api.abi.codec.HypercallAbi}.
 */
public interface ArgumentStrategy {
    /** The strategy's name, as its plugin gives it. */
    String name();

    /** Which form of the ABI this strategy speaks. */
    AbiForm form();

    /**
     * Whether this strategy's argument words are Xen's own (the public headers' x86-64 ABI), so a
     * handler applies Xen's rules about the words themselves: a multicall or console write
     * continues as Xen re-issues it (the list or buffer handle advanced, no extra progress word),
     * and dm_op's buffer count is checked as Xen checks it. A strategy with its own block format
     * returns {@code false} (the default): it keeps its progress in its own words and its block
     * carries what Xen would take from separate buffers. Handlers ask this, never the form.
     */
    default boolean followsXenArgumentWords() {
        return false;
    }

    // ---- guest side ----

    /**
     * {@code request} cut into parts this strategy can carry in one hypercall each, in order, each
     * of the request's own type: an extent list or a console write beyond the maximum block is
     * split; a domain-info request gets at most the room one block holds (the caller asks again
     * for the rest). A request that fits is returned alone.
     */
    <Q extends HypercallRequest<?>> List<Q> split(Q request);

    /**
     * Bytes of argument memory {@link #prepare} will place for {@code request}, alignment
     * included; 0 for a call that names no memory. Nothing is placed.
     *
     * @throws org.xencommlab.api.errno.XenException E2BIG when the request does not fit in one
     *     hypercall of this strategy (split it first)
     * @throws IllegalArgumentException for a request type this strategy does not know
     */
    int argumentBytes(HypercallRequest<?> request);

    /**
     * Encodes {@code request}: places its memory through {@code placement} and returns the words to
     * issue and how to read the outcome.
     *
     * @throws org.xencommlab.api.errno.XenException E2BIG when the request does not fit in one
     *     hypercall of this strategy (split it first), or whatever {@code placement} throws
     * @throws IllegalArgumentException for a request type this strategy does not know
     */
    <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request);

    /**
     * Where a user tool's library puts this strategy's argument memory: the arch's hypercall
     * buffers (the default), or the tool's ordinary memory, which {@link #carryUserCall} then
     * moves into kernel memory. The library opens that room and asks nothing else about the
     * strategy.
     */
    default ToolArgumentMemory toolArgumentMemory() {
        return ToolArgumentMemory.HYPERCALL_BUFFER;
    }

    /**
     * The kernel's part of a hypercall a user tool issued (privcmd's one hypercall ioctl calls it
     * for every call, after the arch's guest half saw the tool's words): whatever this strategy
     * needs from the kernel, it asks {@code kernel} for here, for example copying a block from the
     * tool's memory into kernel memory and naming it by a kernel reference.
     *
     * <p>An implementation must treat {@code args} and every byte it reads as hostile (the tool
     * wrote them): it never throws anything but {@link org.xencommlab.api.errno.XenException},
     * whose errno the tool then sees, with nothing issued; it takes memory only through
     * {@code kernel}, which frees it after the call; a call it does not carry it passes unchanged.
     * The default passes every call unchanged (the tool's words already name memory the
     * hypervisor reaches).
     */
    default UserCall carryUserCall(UserCallKernel kernel, int op, long[] args) {
        return UserCall.unchanged(args);
    }

    /**
     * The handles in a user tool's hypercall, for a kernel that rewrites them (xencomm descriptor
     * mode). The pointer form has them; the embedded form's calls are marshalled by the kernel
     * itself with native references, so nothing needs rewriting and the default knows no call.
     */
    default HandleSiteFinder handleSites() {
        return HandleSiteFinder.NONE;
    }

    // ---- hypervisor side ----

    /**
     * Decodes the hostile arguments of a call into the view {@code kind} names (each hypercall's
     * package declares its kind and documents the errnos: for example
     * {@code ReservationArguments.KIND} for {@code memory_op}'s reservation sub-ops, ENOSYS for
     * another sub-op).
     *
     * @throws org.xencommlab.api.errno.XenException with Xen's errno for bad arguments
     * @throws IllegalArgumentException for a kind this strategy does not decode (a wiring bug)
     */
    <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args);
}
