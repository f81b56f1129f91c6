package org.xencommlab.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;

/** A test trace that keeps every event. */
public final class TestingTrace implements Trace {
    private final List<TraceEvent> events = new ArrayList<>();

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized void event(TraceKind kind, int domid, Supplier<String> detail) {
        events.add(new TraceEvent(events.size(), kind, domid, detail.get()));
    }

    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<TraceEvent> events(TraceKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }
}
