package org.xencommlab.api.abi;

/**
 * A hypercall ready to issue: its number and argument words, with the guest memory they name already
 * placed; and, once issued, how to read the outcome back.
 *
 * <p>An implementation made by an {@link ArgumentStrategy} guarantees that {@link #args()} names
 * only memory placed through the caller's {@link ArgumentPlacement}, and that {@link #complete}
 * reads only that memory and never throws for any result value (a negative result gives an outcome
 * that carries it and no data).
 *
 * @param <R> the outcome type
 */
public interface PreparedCall<R> {
    /** The hypercall number to issue. */
    int op();

    /** The argument words to issue (a fresh copy each call). */
    long[] args();

    /**
     * Reads the outcome after the hypercall returned {@code result}: results written back by the
     * hypervisor (frames, entry results, console bytes, domain records), bounded by what was asked.
     */
    R complete(long result);
}
