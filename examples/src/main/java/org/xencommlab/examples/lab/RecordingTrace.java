package org.xencommlab.examples.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.trace.TracePhase;

/**
 * A trace that keeps every event of one run, in order, moments and the starts and ends of slices,
 * for {@code xencomm-lab run --trace}. Each event's sequence number is the trace's clock.
 */
public final class RecordingTrace implements Trace {
    private final List<TraceEvent> events = new ArrayList<>();
    private final int limit;
    private long dropped;

    /** Keeps at most {@code limit} events; later ones are counted, not kept. */
    public RecordingTrace(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.limit = limit;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void event(TraceKind kind, int domid, Supplier<String> detail) {
        record(kind, TracePhase.INSTANT, domid, -1, detail);
    }

    @Override
    public void begin(TraceKind kind, int domid, int vcpu, Supplier<String> name) {
        record(kind, TracePhase.BEGIN, domid, vcpu, name);
    }

    @Override
    public void end(TraceKind kind, int domid, int vcpu, Supplier<String> detail) {
        record(kind, TracePhase.END, domid, vcpu, detail);
    }

    private synchronized void record(TraceKind kind, TracePhase phase, int domid, int vcpu, Supplier<String> detail) {
        if (events.size() >= limit) {
            dropped++;
            return;
        }
        events.add(new TraceEvent(events.size(), kind, phase, domid, vcpu, detail.get()));
    }

    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** Events not kept because the limit was reached. */
    public synchronized long dropped() {
        return dropped;
    }
}
