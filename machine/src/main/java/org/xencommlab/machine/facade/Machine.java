package org.xencommlab.machine.facade;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.balloon.BalloonDriverFactory;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.sched.GuestScheduler;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.guest.tools.Dom0ToolsFactory;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * One simulated machine of one run, fully wired for one configuration: the hypervisor, the guest
 * kernels it boots, and the tools that run on them. Scenarios drive a machine; nothing in it is
 * shared with another run.
 */
public final class Machine {
    private final Hypervisor hypervisor;
    private final GuestKernelFactory kernels;
    private final XcLibraryFactory libraries;
    private final GuestScheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final PageSize pageSize;
    private final ArgumentStrategy strategy;
    private final Dom0ToolsFactory tools;
    private final BalloonDriverFactory balloons;
    private final long seed;
    private final Map<Integer, GuestKernel> booted = new TreeMap<>();
    private final Map<Integer, BalloonDriver> loadedBalloons = new TreeMap<>();

    @Inject
    public Machine(Hypervisor hypervisor, GuestKernelFactory kernels, XcLibraryFactory libraries,
            GuestScheduler scheduler, RunMetrics metrics, Trace trace, PageSize pageSize, ArgumentStrategy strategy,
            Dom0ToolsFactory tools, BalloonDriverFactory balloons, GuestConfig guestConfig) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor is null");
        this.kernels = requireNonNull(kernels, "kernels is null");
        this.libraries = requireNonNull(libraries, "libraries is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.tools = requireNonNull(tools, "tools is null");
        this.balloons = requireNonNull(balloons, "balloons is null");
        this.seed = guestConfig.seed();
    }

    /** The run's seed. */
    public long seed() {
        return seed;
    }

    /** The dom0 tools (xl-like) over an open library handle. */
    public Dom0Tools tools(XcHandle handle) {
        return tools.open(handle);
    }

    /** The balloon driver of {@code kernel}, loaded on first use (it then watches its xenstore target). */
    public synchronized BalloonDriver balloon(GuestKernel kernel) {
        return loadedBalloons.computeIfAbsent(kernel.domid(), domid -> balloons.load(kernel));
    }

    /** Creates domain 0 (privileged) with {@code memoryBytes} of RAM and boots its kernel. */
    public GuestKernel bootDom0(long memoryBytes) {
        return boot(DomainSpec.dom0(memoryBytes));
    }

    /** Creates an unprivileged domain with {@code memoryBytes} of RAM and boots its kernel. */
    public GuestKernel bootGuest(int domid, long memoryBytes) {
        return boot(DomainSpec.guest(domid, memoryBytes));
    }

    /** Creates the domain {@code spec} describes and boots a kernel on it. */
    public synchronized GuestKernel boot(DomainSpec spec) {
        if (booted.containsKey(spec.domid())) {
            throw new IllegalStateException("domain " + spec.domid() + " is already booted");
        }
        hypervisor.createDomain(spec);
        GuestKernel kernel = kernels.boot(spec.domid(), spec.memoryBytes() / pageSize.bytes());
        booted.put(spec.domid(), kernel);
        return kernel;
    }

    /** The kernel of domain {@code domid}. */
    public synchronized GuestKernel kernel(int domid) {
        GuestKernel kernel = booted.get(domid);
        if (kernel == null) {
            throw new IllegalArgumentException("domain " + domid + " is not booted");
        }
        return kernel;
    }

    public synchronized List<GuestKernel> kernels() {
        return new ArrayList<>(booted.values());
    }

    /** Starts a user process called {@code name} on {@code kernel} with the libxc-like library open. */
    public XcHandle startTool(GuestKernel kernel, String name) {
        GuestProcess process = kernel.startProcess(name);
        return libraries.open(process);
    }

    /**
     * Starts a tool whose library retries a hypercall that failed with -EFAULT at most
     * {@code retries} times (0: never, so each failure is seen as it happened).
     */
    public XcHandle startTool(GuestKernel kernel, String name, int retries) {
        GuestProcess process = kernel.startProcess(name);
        return libraries.open(process, retries);
    }

    /** Ends every process on every kernel (as at the end of a run), so what they leaked shows. */
    public synchronized void stopAllProcesses() {
        for (GuestKernel kernel : booted.values()) {
            kernel.shutdown();
        }
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    public GuestScheduler scheduler() {
        return scheduler;
    }

    public XcLibraryFactory libraries() {
        return libraries;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    public Trace trace() {
        return trace;
    }

    public PageSize pageSize() {
        return pageSize;
    }

    public ArgumentStrategy strategy() {
        return strategy;
    }
}
