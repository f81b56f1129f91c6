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

    private final java.util.concurrent.ConcurrentHashMap<CallKey, AtomicLongArray> calls =
            new java.util.concurrent.ConcurrentHashMap<>();

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
     * Marks {@code delta} of a gauge's level as a long-lived reservation, held on purpose for as
     * long as its domain lives: a kernel's (ppc's registered device area: one registration, its Xen
     * heap bytes and pinned frames) or the hypervisor's own per-domain structure (ppc's
     * registration-table leaves, made on demand and kept until the domain is destroyed). Reports show it as reserved, not as left behind by a process. The
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

    /** Every counter's level now, in declaration order: the {@code before} of {@link #addCall}. */
    public long[] counterSnapshot() {
        long[] snapshot = new long[counters.length()];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = counters.get(i);
        }
        return snapshot;
    }

    /**
     * Adds to hypercall {@code op} with sub-operation {@code subOp} (-1: none) every counter's
     * increase since {@code before}: what the machine counted while the call ran, its own
     * {@link Counter#HYPERCALLS} and {@link Counter#HYPERVISOR_ENTRIES} included.
     */
    public void addCall(int op, int subOp, long[] before) {
        if (before.length != counters.length()) {
            throw new IllegalArgumentException("a snapshot has " + counters.length() + " counters, not " + before.length);
        }
        AtomicLongArray totals = calls.computeIfAbsent(new CallKey(op, subOp), k -> new AtomicLongArray(before.length));
        for (int i = 0; i < before.length; i++) {
            long delta = counters.get(i) - before[i];
            if (delta > 0) {
                totals.addAndGet(i, delta);
            }
        }
    }

    /** Per hypercall and sub-operation, what {@link #addCall} added, sorted by op then sub-op. */
    public java.util.SortedMap<CallKey, Map<Counter, Long>> calls() {
        java.util.SortedMap<CallKey, Map<Counter, Long>> result = new java.util.TreeMap<>();
        calls.forEach((key, totals) -> {
            Map<Counter, Long> byCounter = new EnumMap<>(Counter.class);
            for (Counter counter : Counter.values()) {
                byCounter.put(counter, totals.get(counter.ordinal()));
            }
            result.put(key, byCounter);
        });
        return result;
    }

    /**
     * A hypercall number and the sub-operation named in its first argument (-1 for none).
     *
     * @param op the hypercall number
     * @param subOp the sub-operation, or -1
     */
    public record CallKey(int op, int subOp) implements Comparable<CallKey> {
        @Override
        public int compareTo(CallKey other) {
            return op != other.op ? Integer.compare(op, other.op) : Integer.compare(subOp, other.subOp);
        }
    }
}
