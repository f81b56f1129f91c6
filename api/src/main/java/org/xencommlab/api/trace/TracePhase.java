package org.xencommlab.api.trace;

/**
 * Where a trace event sits in time: a moment, or the start or end of a slice (a hypercall, from
 * its entry into the hypervisor to its return to the guest, continuations included).
 */
public enum TracePhase {
    /** Something that happened at one point: a system call, a fault, a registration, a schedule. */
    INSTANT,
    /** A slice opens; the matching {@link #END} on the same domain and vCPU closes it. */
    BEGIN,
    /** The innermost open slice of the same domain and vCPU closes. */
    END
}
