package org.xencommlab.api.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.xencommlab.api.errno.XenErrno;

/**
 * The exact counts of one run: counters, gauges with their peaks, and errors by errno. One instance
 * per run (per injector); every part of the machine adds to it. Thread-safe.
 */
public final class RunMetrics {
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final AtomicLongArray gauges = new AtomicLongArray(Gauge.values().length);
    private final AtomicLongArray peaks = new AtomicLongArray(Gauge.values().length);
    private final AtomicLongArray reserved = new AtomicLongArray(Gauge.values().length);
    private final AtomicLongArray errors = new AtomicLongArray(XenErrno.values().length);

    public void increment(Counter counter) {
        counters.incrementAndGet(counter.ordinal());
    }

    public void add(Counter counter, long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("a counter only grows: " + counter + " by " + amount);
        }
        counters.addAndGet(counter.ordinal(), amount);
    }

    public long get(Counter counter) {
        return counters.get(counter.ordinal());
    }

    /** Moves a gauge by {@code delta} and records a new peak. */
    public void adjust(Gauge gauge, long delta) {
        long now = gauges.addAndGet(gauge.ordinal(), delta);
        peaks.accumulateAndGet(gauge.ordinal(), now, Math::max);
    }

    public long current(Gauge gauge) {
        return gauges.get(gauge.ordinal());
    }

    public long peak(Gauge gauge) {
        return peaks.get(gauge.ordinal());
    }

    /**
     * Marks {@code delta} of a gauge's level as a kernel's long-lived reservation, held on purpose
     * for as long as its domain lives (ppc's registered device area: one registration, its Xen heap
     * bytes and pinned frames). Reports show it as reserved, not as left behind by a process. The
     * caller adjusts the gauge itself as well, and marks a reservation it gives back with a
     * negative {@code delta}; what is marked never exceeds the gauge's level.
     */
    public void markReserved(Gauge gauge, long delta) {
        reserved.addAndGet(gauge.ordinal(), delta);
    }

    /** How much of a gauge's current level kernels hold as long-lived reservations ({@link #markReserved}). */
    public long reserved(Gauge gauge) {
        return reserved.get(gauge.ordinal());
    }

    /** Counts one failure a caller saw. */
    public void recordError(XenErrno errno) {
        errors.incrementAndGet(errno.ordinal());
    }

    public long errors(XenErrno errno) {
        return errors.get(errno.ordinal());
    }

    /** Errors seen, by errno, in errno order; errnos never seen are left out. */
    public Map<XenErrno, Long> errors() {
        Map<XenErrno, Long> result = new EnumMap<>(XenErrno.class);
        for (XenErrno errno : XenErrno.values()) {
            long n = errors.get(errno.ordinal());
            if (n != 0) {
                result.put(errno, n);
            }
        }
        return result;
    }

    /** All counters, in declaration order. */
    public Map<Counter, Long> counters() {
        Map<Counter, Long> result = new EnumMap<>(Counter.class);
        for (Counter counter : Counter.values()) {
            result.put(counter, get(counter));
        }
        return result;
    }
}
