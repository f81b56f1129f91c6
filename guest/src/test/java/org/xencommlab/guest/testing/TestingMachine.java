package org.xencommlab.guest.testing;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.util.stream.LongStream;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestHandleResolver;
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
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.HypervisorModule;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.strategy.pointer.form.PointerStrategy;

/**
 * The guest side of a run wired by hand, as the composition root would with Guice, over the real
 * hypervisor ({@link HypervisorModule}, at test scope: the guest's main code never sees it) with
 * the {@link TestingPageWalkResolver} as its arch half, decoding with the same strategy the guest
 * encodes with.
 *
 * <p>The hypervisor counts into its own {@link #hypervisorMetrics}, so the guest's
 * {@link #metrics} hold only what the guest counted. The hypervisor's configuration is
 * {@link #HYPERVISOR} unless a test gives another (a smaller machine, another preemption
 * granularity).
 */
public final class TestingMachine {
    public static final PageSize PAGE = PageSize.SIZE_4K;
    public static final AddressSpaceLayout LAYOUT = new AddressSpaceLayout(0, 0x0000_8000_0000_0000L, 0xffff_8880_0000_0000L, 48);
    /** Xen's defaults, on 1 GiB of machine memory. */
    public static final HypervisorConfig HYPERVISOR = HypervisorConfig.defaults();
    /** What {@code xen_version} answers under {@link #HYPERVISOR}: major in the high 16 bits, minor in the low. */
    public static final long VERSION = ((long) HYPERVISOR.versionMajor() << 16) | HYPERVISOR.versionMinor();

    public final GuestConfig config;
    public final RunMetrics metrics = new RunMetrics();
    public final RunMetrics hypervisorMetrics = new RunMetrics();
    public final TestingPageTableFormat format = new TestingPageTableFormat();
    public final ArgumentStrategy strategy;
    public final GuestScheduler scheduler;
    public final Hypervisor hypervisor;
    public final DomainTable domains;
    public final HypervisorGate gate;
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

    public TestingMachine(ArgumentStrategy strategy, HypervisorConfig hypervisorConfig) {
        this(GuestConfig.defaults(), true, strategy, hypervisorConfig);
    }

    public TestingMachine(GuestConfig config, boolean lockBuffers, ArgumentStrategy strategy) {
        this(config, lockBuffers, strategy, HYPERVISOR);
    }

    public TestingMachine(GuestConfig config, boolean lockBuffers, ArgumentStrategy strategy, HypervisorConfig hypervisorConfig) {
        this.config = config;
        this.strategy = strategy;
        this.scheduler = new GuestScheduler(config, Trace.DISABLED);
        Injector injector = hypervisorInjector(strategy, scheduler, hypervisorMetrics, hypervisorConfig);
        this.hypervisor = injector.getInstance(Hypervisor.class);
        this.domains = injector.getInstance(DomainTable.class);
        this.gate = hypervisor.gate();
        this.xencomm = new TestingGuestXencomm(lockBuffers);
        this.kernels = new GuestKernelFactory(gate, format, LAYOUT, PAGE, scheduler, metrics, Trace.DISABLED, config, xencomm);
        this.privcmd = new Privcmd(strategy, gate, metrics, Trace.DISABLED);
        this.library = new XcLibraryFactory(privcmd, config, metrics, Trace.DISABLED);
        this.balloons = new BalloonDriverFactory(strategy, xenstore, metrics, Trace.DISABLED);
        this.tools = new Dom0ToolsFactory(strategy, xenstore, Trace.DISABLED);
    }

    /**
     * An injector with the real {@link HypervisorModule} and what the composition root binds
     * beside it, with the {@link TestingPageWalkResolver} as the arch's hypervisor half, under the
     * composition root's strict binder.
     */
    public static Injector hypervisorInjector(ArgumentStrategy strategy, Scheduler scheduler, RunMetrics metrics,
            HypervisorConfig config) {
        return Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                binder().requireAtInjectOnConstructors();
                binder().disableCircularProxies();
                bind(RunMetrics.class).toInstance(metrics);
                bind(Trace.class).toInstance(Trace.DISABLED);
                bind(Scheduler.class).toInstance(scheduler);
                bind(PageSize.class).toInstance(PAGE);
                bind(HypervisorConfig.class).toInstance(config);
                bind(GuestHandleResolver.class).toInstance(new TestingPageWalkResolver());
                bind(ArgumentStrategy.class).toInstance(strategy);
            }
        }, new HypervisorModule());
    }

    /** Creates domain {@code domid} with {@code pages} frames in the hypervisor and boots its kernel. */
    public GuestKernel boot(int domid, long pages) {
        addDomain(domid, pages);
        return kernels.boot(domid, pages);
    }

    /** As {@link #boot(int, long)}, for a domain that may grow to {@code maxPages} (frames above {@code pages} start ballooned out). */
    public GuestKernel boot(int domid, long pages, long maxPages) {
        GuestPhysicalMemory memory = addDomain(domid, pages, maxPages);
        return kernels.boot(domid, pages, maxPages, memory, config);
    }

    /** Creates domain {@code domid} (privileged if 0) holding frames 0 .. {@code pages} - 1. */
    public GuestPhysicalMemory addDomain(int domid, long pages) {
        return addDomain(domid, pages, pages);
    }

    /** Creates domain {@code domid} holding frames 0 .. {@code pages} - 1 that may grow to {@code maxPages}. */
    public GuestPhysicalMemory addDomain(int domid, long pages, long maxPages) {
        DomainSpec spec = domid == 0 ? DomainSpec.dom0(pages * PAGE.bytes()) : DomainSpec.guest(domid, pages * PAGE.bytes());
        hypervisor.createDomain(spec.withVcpus(config.vcpus()).withMaxMemoryBytes(maxPages * PAGE.bytes()));
        return physicalMemory(domid);
    }

    /** The hypervisor's view of domain {@code domid}'s guest-physical memory. */
    public GuestPhysicalMemory physicalMemory(int domid) {
        return gate.physicalMemory(domid);
    }

    /** The hypervisor's domain {@code domid}. */
    public Domain domain(int domid) {
        Domain domain = domains.lookup(domid);
        if (domain == null) {
            throw new IllegalArgumentException("no domain " + domid);
        }
        return domain;
    }

    /** Guest hypercalls the hypervisor took (continuations not included). */
    public long hypercalls() {
        return hypervisorMetrics.get(Counter.HYPERCALLS);
    }

    /** Continuations the hypervisor made. */
    public long continuations() {
        return hypervisorMetrics.get(Counter.CONTINUATIONS);
    }

    /** Pages domain {@code domid} holds ({@code tot_pages}). */
    public long totPages(int domid) {
        return domain(domid).totPages();
    }

    /** The root table vCPU {@code vcpu} of {@code domid} runs on, as the guest last loaded it. */
    public long pageTableBase(int domid, int vcpu) {
        return domain(domid).vcpu(vcpu).pageTableBase();
    }

    /** Bytes domain {@code domid} wrote to the console (kept in the hypervisor's console ring). */
    public byte[] console(int domid) {
        return hypervisor.console().output(domid);
    }

    /** Queues console input for domain 0's {@code CONSOLEIO_read}. */
    public void typeConsoleInput(byte[] bytes) {
        hypervisor.console().feedInput(0, bytes);
    }

    /** Pages of {@code domid} its dirty log holds (what {@code modified_memory} marked), ascending. */
    public long[] modifiedPages(int domid) {
        Domain domain = domain(domid);
        return LongStream.range(0, domain.maxPages()).filter(gfn -> domain.dirtyLog().isDirty(gfn)).toArray();
    }

    /** A process called {@code name} on {@code kernel} with the library and the dom0 tools open. */
    public Dom0Tools startTools(GuestKernel kernel, String name) {
        return tools.open(library.open(kernel.startProcess(name)));
    }
}
