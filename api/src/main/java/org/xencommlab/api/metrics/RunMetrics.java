package org.xencommlab.api.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.xencommlab.api.errno.XenErrno;

/**
 * The exact counts of one run: counters, gauges with their peaks, and errors by errno. One instance
 * per run (per injector); every part of the machine adds to it. Thread-safe.
 *
 * <p>It counts any {@link Counter} and moves any {@link Gauge}, the core's and those a plugin
 * defines, through the handle: storage is indexed by the handle's slot, so a count is one array
 * update with no lookup by name, and a handle defined after this object was made is counted too.
 * {@link #counted()} and {@link #moved()} list the handles a run touched, so a report can refuse
 * a count that no plugin declared instead of dropping it.
 */
public final class RunMetrics {
    private final MetricSlots<Counter> counters = new MetricSlots<>();
    private final MetricSlots<Gauge> gauges = new MetricSlots<>();
    private final MetricSlots<Gauge> peaks = new MetricSlots<>();
    private final MetricSlots<Gauge> reserved = new MetricSlots<>();
    private final AtomicLongArray errors = new AtomicLongArray(XenErrno.values().length);

    private final java.util.concurrent.ConcurrentHashMap<CallKey, MetricSlots<Counter>> calls =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void increment(Counter counter) {
        counters.addAndGet(counter.slot(), counter, 1);
    }

    public void add(Counter counter, long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("a counter only grows: " + counter + " by " + amount);
        }
        counters.addAndGet(counter.slot(), counter, amount);
    }

    public long get(Counter counter) {
        return counters.get(counter.slot());
    }

    /** Moves a gauge by {@code delta} and records a new peak. */
    public void adjust(Gauge gauge, long delta) {
        long now = gauges.addAndGet(gauge.slot(), gauge, delta);
        peaks.accumulateMax(gauge.slot(), gauge, now);
    }

    public long current(Gauge gauge) {
        return gauges.get(gauge.slot());
    }

    public long peak(Gauge gauge) {
        return peaks.get(gauge.slot());
    }

    /**
     * Marks {@code delta} of a gauge's level as a long-lived reservation, held on purpose
     * for as long as its domain lives: a kernel's (ppc's registered device area: one registration,
     * its Xen heap bytes and pinned frames) or the hypervisor's own per-domain structure (ppc's
     * registration-table leaves, made on demand and kept until the domain is destroyed). Reports
     * show it as reserved, not as left behind by a process. The caller adjusts the gauge itself as
     * well, and marks a reservation it gives back with a negative {@code delta}; what is marked
     * never exceeds the gauge's level. Any gauge may be marked (its {@code Leaked} leaves the
     * reservation out); a {@link Gauge#reservable() reservable} one also reports it as
     * {@code <name>Reserved}.
     */
    public void markReserved(Gauge gauge, long delta) {
        reserved.addAndGet(gauge.slot(), gauge, delta);
    }

    /** How much of a gauge's current level kernels hold as long-lived reservations ({@link #markReserved}). */
    public long reserved(Gauge gauge) {
        return reserved.get(gauge.slot());
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

    /** Every counter this run counted (even by 0), in the order they were defined. */
    public List<Counter> counted() {
        List<Counter> result = new ArrayList<>();
        for (int slot = 0, n = Counter.defined(); slot < n; slot++) {
            Counter counter = counters.owner(slot);
            if (counter != null) {
                result.add(counter);
            }
        }
        return result;
    }

    /** Every gauge this run moved or marked (even by 0), in the order they were defined. */
    public List<Gauge> moved() {
        List<Gauge> result = new ArrayList<>();
        for (int slot = 0, n = Gauge.defined(); slot < n; slot++) {
            Gauge gauge = gauges.owner(slot) != null ? gauges.owner(slot) : reserved.owner(slot);
            if (gauge != null) {
                result.add(gauge);
            }
        }
        return result;
    }

    /** Every counter this run counted with its value, in the order they were defined. */
    public Map<Counter, Long> counters() {
        Map<Counter, Long> result = new LinkedHashMap<>();
        for (Counter counter : counted()) {
            result.put(counter, get(counter));
        }
        return result;
    }

    /** Every counter's level now, by slot: the {@code before} of {@link #addCall}. */
    public long[] counterSnapshot() {
        long[] snapshot = new long[Counter.defined()];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = counters.get(i);
        }
        return snapshot;
    }

    /**
     * Adds to hypercall {@code op} with sub-operation {@code subOp} (-1: none) every counter's
     * increase since {@code before} (a {@link #counterSnapshot()}): what the machine counted while
     * the call ran, its own {@link Counter#HYPERCALLS} and {@link Counter#HYPERVISOR_ENTRIES}
     * included. A counter defined after the snapshot was taken counts from 0.
     */
    public void addCall(int op, int subOp, long[] before) {
        if (before.length > Counter.defined()) {
            throw new IllegalArgumentException("a snapshot has " + Counter.defined() + " counters at most, not " + before.length);
        }
        MetricSlots<Counter> totals = calls.computeIfAbsent(new CallKey(op, subOp), k -> new MetricSlots<>());
        for (int i = 0, n = Counter.defined(); i < n; i++) {
            long delta = counters.get(i) - (i < before.length ? before[i] : 0);
            if (delta > 0) {
                totals.addAndGet(i, counters.owner(i), delta);
            }
        }
    }

    /**
     * Per hypercall and sub-operation, what {@link #addCall} added, sorted by op then sub-op; each
     * holds every counter this run {@link #counted()}, in that order (0 for none).
     */
    public java.util.SortedMap<CallKey, Map<Counter, Long>> calls() {
        List<Counter> counted = counted();
        java.util.SortedMap<CallKey, Map<Counter, Long>> result = new java.util.TreeMap<>();
        calls.forEach((key, totals) -> {
            Map<Counter, Long> byCounter = new LinkedHashMap<>();
            for (Counter counter : counted) {
                byCounter.put(counter, totals.get(counter.slot()));
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
