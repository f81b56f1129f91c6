package org.xencommlab.api.trace;

import java.util.function.Supplier;

/**
 * The event trace of one run ({@code xencomm-lab run --trace}). Implementations must be cheap when
 * disabled (no supplier is then ever called) and thread-safe, and must keep the events of a run in
 * the order they were reported.
 *
 * <p>Callers report moments with {@link #event} and slices with {@link #begin} and {@link #end}.
 * A caller that begins a slice must end it, on every path, on the same domain and vCPU, after
 * ending every slice it began inside it: slices nest, innermost first.
 */
public interface Trace {
    boolean enabled();

    /** Records a moment; {@code detail} is evaluated only if the trace is enabled. */
    void event(TraceKind kind, int domid, Supplier<String> detail);

    /**
     * Opens a slice (a hypercall) on the track of {@code domid}'s vCPU {@code vcpu}. The default
     * records nothing: a trace that keeps only moments sees the slice once, at its {@link #end}.
     *
     * @param name what the slice is (the call and its arguments); evaluated only if enabled
     */
    default void begin(TraceKind kind, int domid, int vcpu, Supplier<String> name) {}

    /**
     * Closes the innermost open slice of {@code domid}'s vCPU {@code vcpu}. The default records it
     * as a moment, with {@link #event}, so a trace that keeps only moments still sees every call.
     *
     * @param detail the call and how it ended (its result); evaluated only if enabled
     */
    default void end(TraceKind kind, int domid, int vcpu, Supplier<String> detail) {
        event(kind, domid, detail);
    }

    /** A trace that records nothing. */
    Trace DISABLED = new Trace() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void event(TraceKind kind, int domid, Supplier<String> detail) {}

        @Override
        public void end(TraceKind kind, int domid, int vcpu, Supplier<String> detail) {}
    };
}
