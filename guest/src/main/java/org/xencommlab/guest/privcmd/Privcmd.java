package org.xencommlab.guest.privcmd;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.kernel.GuestProcess;

/**
 * The privcmd device ({@code /dev/xen/privcmd}): the way a user tool issues a hypercall. One
 * driver per run serves every kernel; {@link #open} gives a process its open file.
 *
 * <p>Like Linux's privcmd, it does not filter hypercalls: whether a domain may issue one (only a
 * privileged domain, dom0, may issue most tool hypercalls) is the hypervisor's decision, so the
 * driver passes every call through and the caller sees the hypervisor's answer. Whatever the run's
 * {@link ArgumentStrategy} needs from the kernel for a tool's call, it asks for through
 * {@link ArgumentStrategy#carryUserCall}; the driver has one hypercall path for every strategy.
 */
public final class Privcmd {
    private final ArgumentStrategy strategy;
    private final HypervisorGate gate;
    private final RunMetrics metrics;
    private final Trace trace;

    @Inject
    public Privcmd(ArgumentStrategy strategy, HypervisorGate gate, RunMetrics metrics, Trace trace) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    /**
     * {@code open("/dev/xen/privcmd")} by {@code process} (a system call). The file is closed
     * when the process exits, if the process did not close it.
     */
    public PrivcmdFile open(GuestProcess process) {
        requireNonNull(process, "process is null");
        return process.systemCall("open privcmd", () -> {
            PrivcmdFile file = new PrivcmdFile(this, process);
            process.atExit(file.closer());
            return file;
        });
    }

    ArgumentStrategy strategy() {
        return strategy;
    }

    HypervisorGate gate() {
        return gate;
    }

    RunMetrics metrics() {
        return metrics;
    }

    Trace trace() {
        return trace;
    }

    static void traceCall(Trace trace, int domid, int pid, int op, long result) {
        trace.event(TraceKind.HYPERCALL, domid, () -> "pid " + pid + " privcmd hypercall "
                + org.xencommlab.api.hypercall.HypercallNumber.name(op) + " -> "
                + org.xencommlab.api.errno.XenErrno.describeResult(result));
    }
}
