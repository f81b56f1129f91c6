package org.xencommlab.guest.tools;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.lib.XcCalls;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.xenstore.XenStore;

/** Opens the dom0 tools on a process's library handle, with the run's strategy and xenstore. One per run. */
public final class Dom0ToolsFactory {
    private final ArgumentStrategy strategy;
    private final XenStore store;
    private final Trace trace;

    @Inject
    public Dom0ToolsFactory(ArgumentStrategy strategy, XenStore store, Trace trace) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.store = requireNonNull(store, "store is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    /** The tools for the process behind {@code xc} (from {@code XcLibraryFactory.open}). */
    public Dom0Tools open(XcHandle xc) {
        requireNonNull(xc, "xc is null");
        return new Dom0Tools(xc, new XcCalls(xc, strategy, trace), store, trace);
    }
}
