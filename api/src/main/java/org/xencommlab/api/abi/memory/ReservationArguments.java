package org.xencommlab.api.abi.memory;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A reservation {@code memory_op} as the hypervisor sees it after the strategy copied and
 * validated its fixed fields: the operation, where to start, the request's counts, and access to
 * the extent array one extent at a time, as Xen's {@code copy_from_guest_offset} /
 * {@code copy_to_guest_offset} do, so that no unbounded array is materialised in hypervisor memory.
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees that
 * the fixed fields were read from guest memory once; that every extent access is bounds-checked
 * against {@code nr_extents}; and that guest faults are {@link org.xencommlab.api.errno.XenException}
 * EFAULT, never another exception.
 *
 * <p>In the pointer form Xen lets increase_reservation pass a NULL {@code extent_start} and then
 * writes no frames back; a handler asks {@link #hasExtentArray()}, which every form answers for
 * itself (the embedded form's array is always in its block).
 *
 * <p>A handler gets it from the call's {@link MemoryOpArguments} (whose {@code cmd} word was
 * decoded once) and uses it like Xen's {@code increase_reservation}:
 * <pre>{@code
 * MemoryOpArguments call = strategy.decode(MemoryOpArguments.KIND, context.guest(), args);
 * MemoryOpCommand cmd = call.command();
 * ReservationArguments r;
 * try {
 *     r = call.reservation();
 *     ReservationLimits.checkOrder(r.reservation().extentOrder(), ReservationLimits.maxOrder(context.isPrivileged()));
 * } catch (XenException e) {
 *     return cmd.startExtent();            // Xen returns start_extent for every refusal
 * }
 * long i = cmd.startExtent();
 * for (; i < r.reservation().nrExtents(); i++) {
 *     if (i != cmd.startExtent() && context.preemptionPending()) {
 *         return context.createContinuation(HypercallNumber.MEMORY_OP, r.continuationArgs(i));
 *     }
 *     long mfn = allocate(...);            // stop (break) when out of memory
 *     r.writeExtent(i, mfn);               // EFAULT: stop, report i done
 * }
 * return i;
 * }</pre>
 */
public interface ReservationArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<ReservationArguments> KIND = new ArgumentKind<>("memory_op reservation", ReservationArguments.class);

    /** The operation and the start extent, from the {@code cmd} word. */
    MemoryOpCommand command();

    /** The copied, validated fixed fields ({@code extentStart} is 0 in the embedded form). */
    MemoryReservation reservation();

    /**
     * Whether the request has an extent array the hypervisor reads or writes: false only for a
     * pointer-form request whose {@code extent_start} is NULL (Xen then writes no frames back).
     */
    boolean hasExtentArray();

    /**
     * Reads extent {@code index} (an input frame of decrease_reservation or populate_physmap).
     *
     * @throws org.xencommlab.api.errno.XenException EFAULT when the guest memory is not reachable;
     *     EINVAL when {@code index} is not below {@code nr_extents}
     */
    long readExtent(long index);

    /**
     * Writes extent {@code index} (a frame allocated by increase_reservation or populate_physmap).
     *
     * @throws org.xencommlab.api.errno.XenException EFAULT when the guest memory is not reachable;
     *     EINVAL when {@code index} is not below {@code nr_extents}
     */
    void writeExtent(long index, long frame);

    /** The argument words that continue this request at extent {@code extentsDone}. */
    long[] continuationArgs(long extentsDone);
}
