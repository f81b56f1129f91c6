package org.xencommlab.api.abi;

import java.util.List;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * How hypercall arguments carry their data, for both sides of the trust boundary. {@code pointer}:
 * structures hold guest handles to their arrays, as in Xen's public headers. {@code embedded}: no
 * pointers anywhere; the whole argument, arrays included, travels in one contiguous block of
 * bounded size, and a larger request is split by the caller.
 *
 * <h2>Guest side</h2>
 * A caller (the balloon driver, the privcmd driver on behalf of a tool) describes what it wants as
 * a {@link HypercallRequest}, cuts it to size with {@link #split}, and for each part asks
 * {@link #prepare} for argument words and placed memory, issues the hypercall and reads the
 * outcome:
 * <pre>{@code
 * for (HypercallRequest<ReservationOutcome> part : strategy.split(ReservationRequest.increase(n, 0, DOMID_SELF))) {
 *     PreparedCall<ReservationOutcome> call = strategy.prepare(placement, part);
 *     ReservationOutcome out = call.complete(kernel.hypercall(call.op(), call.args()));
 *     ... out.extents() are the frames the hypervisor gave; stop if out.result() < nr of the part
 * }
 * }</pre>
 *
 * <h2>Hypervisor side</h2>
 * A handler asks the active strategy to decode its arguments into a view ({@link #memoryReservation},
 * {@link #multicall}, {@link #consoleIo}, {@link #sysctlGetDomainInfoList}, {@link #dmOp}): the
 * fixed fields are copied once and validated on the copy; arrays are reached one element at a time
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
 *   <li>it is stateless apart from its configuration, and thread-safe.</li>
 * </ul>
 */
public interface ArgumentStrategy {
    /** The strategy's name, as its plugin gives it. */
    String name();

    /** Which form of the ABI this strategy speaks. */
    AbiForm form();

    // ---- guest side ----

    /**
     * {@code request} cut into parts this strategy can carry in one hypercall each, in order: an
     * extent list or a console write beyond the maximum block is split; a domain-info request gets
     * at most the room one block holds (the caller asks again for the rest). A request that fits
     * is returned alone.
     */
    <R> List<HypercallRequest<R>> split(HypercallRequest<R> request);

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
     * The handles in a user tool's hypercall, for a kernel that rewrites them (xencomm descriptor
     * mode). The pointer form has them; the embedded form's calls are marshalled by the kernel
     * itself with native references, so nothing needs rewriting and the default knows no call.
     */
    default HandleSiteFinder handleSites() {
        return HandleSiteFinder.NONE;
    }

    // ---- hypervisor side ----

    /**
     * Decodes {@code memory_op} increase_reservation, decrease_reservation or populate_physmap:
     * {@code args[0]} is {@code cmd}, {@code args[1]} names the reservation.
     *
     * @throws org.xencommlab.api.errno.XenException ENOSYS for another sub-op; EFAULT, EINVAL, E2BIG
     *     (see {@link org.xencommlab.api.abi.memory.ReservationLimits#checkCounts}; Xen answers these
     *     with {@code start_extent}, see {@link ReservationArguments})
     */
    ReservationArguments memoryReservation(GuestCopy guest, long[] args);

    /**
     * Decodes a multicall: {@code args[0]} the list, {@code args[1]} {@code nr_calls},
     * {@code args[2]} the entry to resume at.
     *
     * @throws org.xencommlab.api.errno.XenException EINVAL for a resume index above {@code nr_calls}
     *     or a bad block; E2BIG for an oversized block; EFAULT
     */
    MulticallArguments multicall(GuestCopy guest, long[] args);

    /**
     * Decodes {@code console_io}: {@code args[0]} cmd, {@code args[1]} count, {@code args[2]} the
     * buffer, {@code args[3]} bytes done.
     *
     * @throws org.xencommlab.api.errno.XenException ENOSYS for an unknown command; E2BIG for a read
     *     above {@code INT_MAX} or a count beyond the maximum block; EINVAL for progress beyond the
     *     count or a bad block; EFAULT
     */
    ConsoleIoArguments consoleIo(GuestCopy guest, long[] args);

    /**
     * Decodes {@code sysctl} getdomaininfolist: {@code args[0]} names the sysctl structure.
     *
     * @throws org.xencommlab.api.errno.XenException EACCES for another interface version; ENOSYS for
     *     another command; EINVAL, E2BIG for a bad block; EFAULT
     */
    GetDomainInfoListArguments sysctlGetDomainInfoList(GuestCopy guest, long[] args);

    /**
     * Decodes {@code dm_op}: {@code args[0]} the target domain, {@code args[1]} {@code nr_bufs},
     * {@code args[2]} the buffer array (pointer form) or the block (embedded form, {@code nr_bufs} 1).
     *
     * @throws org.xencommlab.api.errno.XenException E2BIG for more than two buffers or an oversized
     *     block; EINVAL, EOPNOTSUPP for a bad block; EFAULT
     */
    DmOpArguments dmOp(GuestCopy guest, long[] args);
}
