package org.xencommlab.guest.lib;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.privcmd.Privcmd;

/** Opens the libxc-like library in a process ({@code xc_interface_open}). One per run. */
public final class XcLibraryFactory {
    private final Privcmd privcmd;
    private final GuestConfig config;
    private final RunMetrics metrics;
    private final Trace trace;

    @Inject
    public XcLibraryFactory(Privcmd privcmd, GuestConfig config, RunMetrics metrics, Trace trace) {
        this.privcmd = requireNonNull(privcmd, "privcmd is null");
        this.config = requireNonNull(config, "config is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    /**
     * Opens privcmd and the arch's buffer API for {@code process}, retrying -EFAULT as the run's
     * {@link GuestConfig#retryPolicy()} says.
     */
    public XcHandle open(GuestProcess process) {
        return new XcHandle(process, privcmd.open(process), process.xencomm().openUserBuffers(), config.retryPolicy(),
                config.hypercallRetries(), metrics, trace);
    }

    /**
     * As {@link #open(GuestProcess)}, with {@code retries} re-issues of every hypercall that failed
     * with -EFAULT ({@link GuestConfig.RetryPolicy#EVERY_CALL}; 0: never).
     */
    public XcHandle open(GuestProcess process, int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("negative retries");
        }
        return new XcHandle(process, privcmd.open(process), process.xencomm().openUserBuffers(),
                GuestConfig.RetryPolicy.EVERY_CALL, retries, metrics, trace);
    }
}
