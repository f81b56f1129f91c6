package org.xencommlab.arch.ppc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;

/** An enabled trace that keeps the last events' text (so every detail supplier runs). */
public final class TestingTrace implements Trace {
    private final List<String> events = new ArrayList<>();

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized void event(TraceKind kind, int domid, Supplier<String> detail) {
        String text = kind.label() + " d" + domid + " " + detail.get();
        if (events.size() >= 1000) {
            events.remove(0);
        }
        events.add(text);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }
}
