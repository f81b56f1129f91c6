package org.xencommlab.api.trace;

import static java.util.Objects.requireNonNull;

/**
 * One event of a run's trace.
 *
 * @param sequence position in the run, from 0: the trace's clock, one tick per event (never wall-clock time)
 * @param kind what happened
 * @param phase a moment, or the start or end of a slice
 * @param domid the domain it happened in or for, or -1 for the machine
 * @param vcpu the vCPU of a slice, or -1 where the reporter did not say
 * @param detail a one-line description with the numbers that matter
 */
public record TraceEvent(long sequence, TraceKind kind, TracePhase phase, int domid, int vcpu, String detail) {
    public TraceEvent {
        requireNonNull(kind, "kind is null");
        requireNonNull(phase, "phase is null");
        requireNonNull(detail, "detail is null");
    }

    /** A moment, on no particular vCPU. */
    public TraceEvent(long sequence, TraceKind kind, int domid, String detail) {
        this(sequence, kind, TracePhase.INSTANT, domid, -1, detail);
    }

    @Override
    public String toString() {
        return String.format("%6d %-13s %s %s", sequence, kind.label(), domid < 0 ? "   " : "d" + domid, detail);
    }
}
