package org.xencommlab.hypervisor.entry;

import java.util.Arrays;

/**
 * What one multicall sub-call did: its result and, if it was preempted, the continuation it asked
 * for (which the multicall copies into the guest's entry, as Xen's {@code do_multicall} does).
 *
 * @param result the sub-call's result or negative errno (the continuation's return value if it
 *     was preempted)
 * @param preempted whether the sub-call created a continuation
 * @param continuationOp the hypercall to re-issue, when preempted
 * @param continuationArgs the five argument words to re-issue it with, when preempted (copied)
 */
public record SubCall(long result, boolean preempted, long continuationOp, long[] continuationArgs) {
    public SubCall {
        continuationArgs = continuationArgs.clone();
    }

    static SubCall completed(long result) {
        return new SubCall(result, false, 0, new long[HypercallEntry.MAX_ARGS]);
    }

    @Override
    public long[] continuationArgs() {
        return continuationArgs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubCall s && s.result == result && s.preempted == preempted
                && s.continuationOp == continuationOp && Arrays.equals(s.continuationArgs, continuationArgs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(result) * 31 + Arrays.hashCode(continuationArgs);
    }

    @Override
    public String toString() {
        return "SubCall[result=" + result + (preempted ? ", continues with " + continuationOp + Arrays.toString(continuationArgs) : "") + "]";
    }
}
