package org.xencommlab.arch.x86.testing;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.testkit.arch.ArchRig;

/**
 * The kit's rig for any pair of x86-shaped halves: a {@link TestingDomain} of 4096 frames (page
 * tables in guest memory, first-fit frames), the given guest half attached to its kernel, and
 * hypervisor entries whose copies go through the given resolver and the state it made. With the
 * real halves ({@link #X86Rig(X86BufferConfig)}) it is the rig the module's contract runs on; with a
 * planted one (the {@code planted} package) it shows what the kit's {@code ArchContract} makes of
 * the defect. Its kernel counts its blocks
 * ({@link #kernelBlocksInUse}), so the contract also checks that buffers give their kernel pages back.
 */
public final class X86Rig implements ArchRig {
    private final TestingDomain domain = new TestingDomain(4096);
    private final GuestHandleResolver resolver;
    private final DomainArchState domainState;
    private final KernelXencomm kernelState;
    private final Map<UserProcessServices, ProcessXencomm> processes = new HashMap<>();

    /**
     * The rig of the halves {@code plugin} binds for {@code settings} (its parameters' values by
     * name; the rest default), through an injector as strict as the lab's.
     */
    public static X86Rig of(ArchPlugin plugin, Map<String, String> settings) {
        Injector injector = Guice.createInjector(Stage.PRODUCTION, binder -> {
            binder.requireExplicitBindings();
            binder.disableCircularProxies();
        }, plugin.module(Parameters.of(plugin.parameters(), settings)));
        return new X86Rig(injector.getInstance(GuestXencomm.class), injector.getInstance(GuestHandleResolver.class));
    }

    /** The real x86 halves, the guest half in {@code config}. */
    public X86Rig(X86BufferConfig config) {
        this(new X86GuestXencomm(config), new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT));
    }

    public X86Rig(GuestXencomm guestHalf, GuestHandleResolver resolver) {
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.domainState = resolver.createDomainState(0, null);
        this.kernelState = guestHalf.attachKernel(domain.kernel());
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return new X86PageTableFormat();
    }

    @Override
    public KernelXencomm kernelXencomm() {
        return kernelState;
    }

    @Override
    public synchronized ProcessXencomm xencomm(UserProcessServices process) {
        ProcessXencomm state = processes.get(process);
        if (state == null) {
            throw new IllegalArgumentException("not a live process this rig started: " + process);
        }
        return state;
    }

    @Override
    public GuestHandleResolver resolver() {
        return resolver;
    }

    @Override
    public DomainArchState domainState() {
        return domainState;
    }

    @Override
    public KernelServices kernel() {
        return domain.kernel();
    }

    @Override
    public RunMetrics metrics() {
        return domain.metrics();
    }

    @Override
    public UserProcessServices startProcess() {
        TestingUserProcessServices process = domain.process(64);
        ProcessXencomm state = kernelState.attachProcess(process);
        synchronized (this) {
            processes.put(process, state);
        }
        return process;
    }

    /** Exit: the kernel tears the process down (its mappings, then its clean-ups), then its backend state is released. */
    @Override
    public void exit(UserProcessServices process) {
        ((TestingUserProcessServices) process).exit();
        ProcessXencomm state;
        synchronized (this) {
            state = processes.remove(process);
        }
        if (state != null) {
            state.release();
        }
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        TestingUserProcessServices process = (TestingUserProcessServices) caller;
        return new TestingHypercallContext(domain.memory(), process.pageTables().root(), domain.metrics(), domain.trace(), resolver);
    }

    @Override
    public int kernelBlocksInUse() {
        return domain.kernel().outstandingBlocks();
    }
}
