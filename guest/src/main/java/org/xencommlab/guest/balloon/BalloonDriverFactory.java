package org.xencommlab.guest.balloon;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.abi.KernelHypercalls;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.xenstore.XenStore;

/**
 * Loads the balloon driver into a booted kernel. One per run; each driver is a plain per-kernel
 * object.
 *
 * <pre>{@code
 * BalloonDriver balloon = balloons.load(domU);
 * balloon.inflate(1024);                   // or tools.setMemoryTarget(domid, pages) from dom0
 * }</pre>
 */
public final class BalloonDriverFactory {
    private final ArgumentStrategy strategy;
    private final XenStore store;
    private final RunMetrics metrics;
    private final Trace trace;

    @Inject
    public BalloonDriverFactory(ArgumentStrategy strategy, XenStore store, RunMetrics metrics, Trace trace) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.store = requireNonNull(store, "store is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    /**
     * A balloon driver for {@code kernel}, watching its memory target in the run's xenstore (if
     * a target is already written, the driver moves toward it before this returns).
     */
    public BalloonDriver load(GuestKernel kernel) {
        return new BalloonDriver(kernel, new KernelHypercalls(kernel, kernel.xencomm(), strategy), store, metrics, trace);
    }
}
