package org.xencommlab.testkit.trace;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;

/**
 * An enabled trace that keeps its events in order (so every detail supplier runs, and a test can
 * read what was traced). It keeps the last {@value #KEPT} events, numbered from 0 in the order they
 * came, so that a long property cannot exhaust memory. Thread-safe.
 */
public final class TestingTrace implements Trace {
    /** Events kept; older ones are dropped. */
    public static final int KEPT = 100_000;

    private final Deque<TraceEvent> events = new ArrayDeque<>();
    private long sequence;

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized void event(TraceKind kind, int domid, Supplier<String> detail) {
        if (events.size() == KEPT) {
            events.removeFirst();
        }
        events.addLast(new TraceEvent(sequence++, kind, domid, detail.get()));
    }

    /** The events kept, oldest first. */
    public synchronized List<TraceEvent> events() {
        return List.copyOf(events);
    }

    /** The events kept of {@code kind}, oldest first. */
    public synchronized List<TraceEvent> events(TraceKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }
}
