package org.xencommlab.api.abi.memory;

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
 * writes no frames back; a handler checks {@code reservation().extentStart() == 0} (always 0 in
 * the embedded form, whose array is in the block, so check {@code strategy.form()} too).
 *
 * <p>A handler uses it like Xen's {@code increase_reservation}:
 * <pre>{@code
 * MemoryOpCommand cmd = MemoryOpCommand.decode(args[0]);
 * ReservationArguments r;
 * try {
 *     r = strategy.memoryReservation(context.guest(), args);
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
    /** The operation and the start extent, from the {@code cmd} word. */
    MemoryOpCommand command();

    /** The copied, validated fixed fields ({@code extentStart} is 0 in the embedded form). */
    MemoryReservation reservation();

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
