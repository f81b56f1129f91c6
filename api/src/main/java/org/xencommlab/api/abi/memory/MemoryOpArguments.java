package org.xencommlab.api.abi.memory;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A {@code memory_op(cmd, arg)} call as its handler sees it: the {@code cmd} word decoded once,
 * here, into the sub-operation and the extent to start at ({@link MemoryOpCommand}), and the
 * reservation the call names, decoded from guest memory when the handler first asks for it. The
 * handler dispatches on {@link #command()} and answers every refusal of a reservation op with its
 * {@code startExtent}, as Xen does, so it never decodes the word itself:
 * <pre>{@code
 * MemoryOpArguments call = strategy.decode(MemoryOpArguments.KIND, context.guest(), args);
 * MemoryOpCommand cmd = call.command();
 * if (MemoryOpCommand.isReservationOp(cmd.op())) {
 *     ReservationArguments r;
 *     try {
 *         r = call.reservation();
 *     } catch (XenException e) {
 *         return cmd.startExtent();        // Xen returns start_extent for every refusal
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees that
 * decoding it reads no guest memory and never throws for any argument words; that
 * {@link #reservation()} reads the reservation from guest memory at most once (a second call
 * returns the same view, or throws the same refusal); and that its {@link ReservationArguments}
 * has the same {@link ReservationArguments#command()} as this.
 */
public interface MemoryOpArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<MemoryOpArguments> KIND = new ArgumentKind<>("memory_op", MemoryOpArguments.class);

    /** The sub-operation and the extent to start at, from the {@code cmd} word. */
    MemoryOpCommand command();

    /** The word that names the call's memory (a reservation, a query's domid, a block), as the guest passed it. */
    long argument();

    /**
     * The reservation the call names (increase/decrease_reservation, populate_physmap), its fixed
     * fields copied once and validated, as {@link ReservationArguments} documents.
     *
     * @throws org.xencommlab.api.errno.XenException ENOSYS for a sub-op that is not a reservation
     *     operation; EFAULT, EINVAL, E2BIG as the reservation view documents
     */
    ReservationArguments reservation();
}
