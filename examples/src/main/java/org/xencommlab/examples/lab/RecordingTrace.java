package org.xencommlab.examples.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;

/** A trace that keeps every event of one run, in order, for {@code xencomm-lab run --trace}. */
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
    public synchronized void event(TraceKind kind, int domid, Supplier<String> detail) {
        if (events.size() >= limit) {
            dropped++;
            return;
        }
        events.add(new TraceEvent(events.size(), kind, domid, detail.get()));
    }

    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** Events not kept because the limit was reached. */
    public synchronized long dropped() {
        return dropped;
    }
}
