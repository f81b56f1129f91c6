package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * Boots guest kernels: one per domain, several per run. Everything a kernel shares with the rest
 * of the run (the gate to the hypervisor, the arch's page-table format, layout and guest half, the
 * scheduler, metrics, trace, configuration) comes from here; what is per domain comes with the
 * boot call. Each kernel attaches itself to the arch's guest half when it boots
 * ({@link GuestXencomm#attachKernel}).
 *
 * <pre>{@code
 * GuestKernel dom0 = kernels.boot(0, 16384);          // memory from HypervisorGate.physicalMemory(0)
 * GuestProcess tool = dom0.startProcess("xl");
 * }</pre>
 */
public final class GuestKernelFactory {
    private final HypervisorGate gate;
    private final PageTableFormat format;
    private final AddressSpaceLayout layout;
    private final PageSize pageSize;
    private final GuestScheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final GuestConfig config;
    private final GuestXencomm xencomm;

    @Inject
    public GuestKernelFactory(
            HypervisorGate gate,
            PageTableFormat format,
            AddressSpaceLayout layout,
            PageSize pageSize,
            GuestScheduler scheduler,
            RunMetrics metrics,
            Trace trace,
            GuestConfig config,
            GuestXencomm xencomm) {
        this.gate = requireNonNull(gate, "gate is null");
        this.format = requireNonNull(format, "format is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.config = requireNonNull(config, "config is null");
        this.xencomm = requireNonNull(xencomm, "xencomm is null");
    }

    /** Boots the kernel of domain {@code domid}, which holds frames 0 .. ramPages - 1, on its memory from the gate. */
    public GuestKernel boot(int domid, long ramPages) {
        return boot(domid, ramPages, gate.physicalMemory(domid));
    }

    /** Boots the kernel of domain {@code domid} on {@code memory}, which holds frames 0 .. ramPages - 1. */
    public GuestKernel boot(int domid, long ramPages, GuestPhysicalMemory memory) {
        return boot(domid, ramPages, ramPages, memory, config);
    }

    /**
     * Boots with everything explicit.
     *
     * @param maxPages frames the domain may ever hold (a balloon can grow it up to this); frames
     *     from {@code ramPages} start ballooned out
     * @param kernelConfig this kernel's configuration (the run's scheduler settings still apply)
     * @throws IllegalArgumentException if {@code memory} is not the domain's or has another page
     *     size, or the sizes do not fit ({@code ramPages} above the kernel's reserve, at most
     *     {@code maxPages})
     */
    public GuestKernel boot(int domid, long ramPages, long maxPages, GuestPhysicalMemory memory, GuestConfig kernelConfig) {
        requireNonNull(memory, "memory is null");
        requireNonNull(kernelConfig, "config is null");
        if (!memory.pageSize().equals(pageSize)) {
            throw new IllegalArgumentException("memory of domain " + domid + " has pages of " + memory.pageSize() + ", the arch " + pageSize);
        }
        if (memory.domid() != domid) {
            throw new IllegalArgumentException("memory belongs to domain " + memory.domid() + ", not " + domid);
        }
        if (ramPages <= kernelConfig.kernelReservePages() || maxPages < ramPages) {
            throw new IllegalArgumentException("domain " + domid + ": " + ramPages + " RAM pages, " + maxPages
                    + " at most, " + kernelConfig.kernelReservePages() + " reserved");
        }
        return new GuestKernel(domid, ramPages, maxPages, memory, format, layout, pageSize, gate, scheduler, metrics, trace, kernelConfig,
                xencomm);
    }
}
