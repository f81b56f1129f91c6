package org.xencommlab.guest.testing;

import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.strategy.pointer.form.PointerStrategy;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.balloon.BalloonDriverFactory;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.sched.GuestScheduler;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.guest.tools.Dom0ToolsFactory;
import org.xencommlab.guest.xenstore.XenStore;

/**
 * The guest side of a run wired by hand, as the composition root would with Guice, over the
 * testing hypervisor, which decodes with the same strategy the guest encodes with.
 */
public final class TestingMachine {
    public static final PageSize PAGE = PageSize.SIZE_4K;
    public static final AddressSpaceLayout LAYOUT = new AddressSpaceLayout(0, 0x0000_8000_0000_0000L, 0xffff_8880_0000_0000L, 48);

    public final GuestConfig config;
    public final RunMetrics metrics = new RunMetrics();
    public final TestingPageTableFormat format = new TestingPageTableFormat();
    public final ArgumentStrategy strategy;
    public final GuestScheduler scheduler;
    public final TestingHypervisorGate gate;
    public final TestingGuestXencomm xencomm;
    public final GuestKernelFactory kernels;
    public final Privcmd privcmd;
    public final XcLibraryFactory library;
    public final XenStore xenstore = new XenStore(Trace.DISABLED);
    public final BalloonDriverFactory balloons;
    public final Dom0ToolsFactory tools;

    public TestingMachine() {
        this(GuestConfig.defaults(), true);
    }

    public TestingMachine(GuestConfig config, boolean lockBuffers) {
        this(config, lockBuffers, new PointerStrategy());
    }

    public TestingMachine(ArgumentStrategy strategy) {
        this(GuestConfig.defaults(), true, strategy);
    }

    public TestingMachine(GuestConfig config, boolean lockBuffers, ArgumentStrategy strategy) {
        this.config = config;
        this.strategy = strategy;
        this.scheduler = new GuestScheduler(config, Trace.DISABLED);
        this.gate = new TestingHypervisorGate(PAGE, scheduler, strategy);
        this.xencomm = new TestingGuestXencomm(lockBuffers);
        this.kernels = new GuestKernelFactory(gate, format, LAYOUT, PAGE, scheduler, metrics, Trace.DISABLED, config, xencomm);
        this.privcmd = new Privcmd(strategy, gate, metrics, Trace.DISABLED);
        this.library = new XcLibraryFactory(privcmd, config, metrics, Trace.DISABLED);
        this.balloons = new BalloonDriverFactory(strategy, xenstore, metrics, Trace.DISABLED);
        this.tools = new Dom0ToolsFactory(strategy, xenstore, Trace.DISABLED);
    }

    /** Creates domain {@code domid} with {@code pages} frames in the testing hypervisor and boots its kernel. */
    public GuestKernel boot(int domid, long pages) {
        gate.addDomain(domid, pages);
        return kernels.boot(domid, pages);
    }

    /** As {@link #boot(int, long)}, for a domain that may grow to {@code maxPages} (frames above {@code pages} start ballooned out). */
    public GuestKernel boot(int domid, long pages, long maxPages) {
        TestingGuestPhysicalMemory memory = gate.addDomain(domid, pages, maxPages);
        return kernels.boot(domid, pages, maxPages, memory, config);
    }

    /** A process called {@code name} on {@code kernel} with the library and the dom0 tools open. */
    public Dom0Tools startTools(GuestKernel kernel, String name) {
        return tools.open(library.open(kernel.startProcess(name)));
    }
}
