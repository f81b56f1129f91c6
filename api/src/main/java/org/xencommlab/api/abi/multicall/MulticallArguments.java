package org.xencommlab.api.abi.multicall;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A multicall as the hypervisor sees it: the number of calls, where to resume, and access to one
 * entry at a time (Xen copies each entry once, runs it and writes back only {@code result}).
 *
 * <p>Argument words: {@code args[0]} names the call list, {@code args[1]} is {@code nr_calls}
 * (an unsigned int, as in Xen), {@code args[2]} is the index to resume at, 0 on the guest's call.
 * Xen continues a multicall by advancing the list handle; in the lab a reference is opaque to the
 * hypervisor (the arch owns its encoding), so the progress travels in the spare third word instead.
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees
 * bounds checks against {@code nr_calls}, and EFAULT (a
 * {@link org.xencommlab.api.errno.XenException}) for unreachable guest memory, never another
 * exception.
 *
 * <pre>{@code
 * MulticallArguments calls = strategy.decode(MulticallArguments.KIND, context.guest(), args);   // EINVAL, EFAULT
 * for (int i = calls.start(); i < calls.nrCalls(); i++) {
 *     if (i != calls.start() && context.preemptionPending()) {
 *         return context.createContinuation(HypercallNumber.MULTICALL, calls.continuationArgs(i));
 *     }
 *     MulticallEntry entry = calls.readEntry(i);                           // EFAULT: return -EFAULT
 *     long result = entry.isNested() ? XenErrno.EINVAL.asResult()
 *             : dispatch(entry.op(), Arrays.copyOf(entry.args(), 5));
 *     calls.writeResult(i, result);                                        // EFAULT: return -EFAULT
 * }
 * return 0;
 * }</pre>
 */
public interface MulticallArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<MulticallArguments> KIND = new ArgumentKind<>("multicall", MulticallArguments.class);

    /** {@code nr_calls}. */
    int nrCalls();

    /** The first entry still to run (0 on the guest's call; never above {@link #nrCalls()}). */
    int start();

    /** Copies entry {@code index} (EFAULT when unreachable, EINVAL when out of range). */
    MulticallEntry readEntry(int index);

    /** Writes the {@code result} word of entry {@code index} (EFAULT when unreachable, EINVAL when out of range). */
    void writeResult(int index, long result);

    /**
     * Writes entry {@code index} back whole: what Xen's {@code do_multicall} does when a sub-call
     * was preempted (it copies the sub-call's continuation, its rewritten {@code op} and
     * arguments, into the guest's entry, then continues the multicall at that entry, which re-runs
     * the continuation). Every other entry gets only its {@code result} written.
     *
     * <p>The default refuses (EOPNOTSUPP), for views that cannot write an entry; a hypervisor then
     * stops the multicall with that error.
     *
     * @throws org.xencommlab.api.errno.XenException EFAULT when unreachable, EINVAL when out of
     *     range, EOPNOTSUPP when the view cannot write entries
     */
    default void writeEntry(int index, MulticallEntry entry) {
        throw new org.xencommlab.api.errno.XenException(org.xencommlab.api.errno.XenErrno.EOPNOTSUPP,
                "this multicall view cannot write entry " + index);
    }

    /** The argument words that continue this multicall at entry {@code nextIndex}. */
    long[] continuationArgs(int nextIndex);
}
