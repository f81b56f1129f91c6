package org.xencommlab.api.trace;

import static java.util.Objects.requireNonNull;

/**
 * One event of a run's trace.
 *
 * @param sequence position in the run, from 0
 * @param kind what happened
 * @param domid the domain it happened in or for, or -1 for the machine
 * @param detail a one-line description with the numbers that matter
 */
public record TraceEvent(long sequence, TraceKind kind, int domid, String detail) {
    public TraceEvent {
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }

    @Override
    public String toString() {
        return String.format("%6d %-13s %s %s", sequence, kind.label(), domid < 0 ? "   " : "d" + domid, detail);
    }
}
