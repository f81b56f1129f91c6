package org.xencommlab.api.trace;

import java.util.function.Supplier;

/**
 * The event trace of one run ({@code xencomm-lab run --trace}). Implementations must be cheap when
 * disabled (the detail supplier is then never called) and thread-safe.
 */
public interface Trace {
    boolean enabled();

    /** Records an event; {@code detail} is evaluated only if the trace is enabled. */
    void event(TraceKind kind, int domid, Supplier<String> detail);

    /** A trace that records nothing. */
    Trace DISABLED = new Trace() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void event(TraceKind kind, int domid, Supplier<String> detail) {}
    };
}
