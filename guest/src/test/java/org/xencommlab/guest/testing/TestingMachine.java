package org.xencommlab.guest.testing;

import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.sched.GuestScheduler;

/** The guest side of a run wired by hand, as the composition root would with Guice, over the testing hypervisor. */
public final class TestingMachine {
    public static final PageSize PAGE = PageSize.SIZE_4K;
    public static final AddressSpaceLayout LAYOUT = new AddressSpaceLayout(0, 0x0000_8000_0000_0000L, 0xffff_8880_0000_0000L, 48);

    public final GuestConfig config;
    public final RunMetrics metrics = new RunMetrics();
    public final TestingPageTableFormat format = new TestingPageTableFormat();
    public final GuestScheduler scheduler;
    public final TestingHypervisorGate gate;
    public final GuestKernelFactory kernels;
    public final Privcmd privcmd;
    public final XcLibraryFactory library;

    public TestingMachine() {
        this(GuestConfig.defaults(), true);
    }

    public TestingMachine(GuestConfig config, boolean lockBuffers) {
        this.config = config;
        this.scheduler = new GuestScheduler(config, Trace.DISABLED);
        this.gate = new TestingHypervisorGate(PAGE, scheduler);
        this.kernels = new GuestKernelFactory(gate, format, LAYOUT, PAGE, scheduler, metrics, Trace.DISABLED, config);
        TestingGuestXencomm xencomm = new TestingGuestXencomm(lockBuffers);
        this.privcmd = new Privcmd(xencomm, HandleSiteFinder.NONE, gate, metrics, Trace.DISABLED);
        this.library = new XcLibraryFactory(privcmd, xencomm, config, metrics, Trace.DISABLED);
    }

    /** Creates domain {@code domid} with {@code pages} frames in the testing hypervisor and boots its kernel. */
    public GuestKernel boot(int domid, long pages) {
        gate.addDomain(domid, pages);
        return kernels.boot(domid, pages);
    }
}
