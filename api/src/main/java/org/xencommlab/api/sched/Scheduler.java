package org.xencommlab.api.sched;

/**
 * The machine's deterministic scheduler, as the hypervisor and the arch backends see it.
 *
 * <p>An implementation must guarantee that what runs at a point is a function of the run's seed and
 * of the sequence of points reached so far (never of wall-clock time or thread timing), and that
 * whatever runs there uses only its own locks, so a caller may hold none of its own.
 */
public interface Scheduler {
    /** Reports that {@code point} is reached; other activities may run before this returns. */
    void reached(SchedulingPoint point, int domid);

    /** A scheduler that never switches, for parts tested alone. */
    Scheduler NONE = (point, domid) -> {};
}
