package org.xencommlab.testkit.rig;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.api.trace.Trace;

/**
 * A ready-made {@link ArchRig} for a backend outside the tree: one domain of real bytes, the kit's
 * kernel and processes ({@link KitKernel}, {@link KitProcess}), and hypervisor entries that copy
 * through the backend's resolver ({@link KitHypercallContext}). A module hands it its two halves
 * and runs {@link ArchContract} in a few lines:
 * <pre>{@code
 * final class TestMyArchContract extends ArchContract {
 *     protected ArchRig rig() {
 *         return new KitArchRig(new MyGuestXencomm(), new MyResolver(), new MyPageTableFormat(), MyArch.LAYOUT, PageSize.SIZE_4K);
 *     }
 * }
 * }</pre>
 *
 * <p>What it models and what it does not: the kernel keeps no page tables (a process's mappings
 * live in the process), so it suits a backend whose hypervisor names guest memory by something
 * other than a page walk (guest-physical addresses, registrations, descriptors); an arch whose
 * hypervisor walks the guest's page tables (x86) needs a rig of its own that writes them.
 * Processes are never swapped and pages never move. Kernel hypercalls go to the domain state's
 * {@code arch_N} handlers ({@link DomainArchState#hypercall}), anything else is -ENOSYS. The
 * domain's heap quota is 1 MiB. A rig is used by one test at a time.
 */
public final class KitArchRig implements ArchRig {
    private final RunMetrics metrics = new RunMetrics();
    private final TestingTrace trace = new TestingTrace();
    private final TestingHeapAccount heap = new TestingHeapAccount(new TestingHeapAccount.Budget(16L << 20), 1L << 20);
    private final KitHypercallContext.Pins pins = new KitHypercallContext.Pins();
    private final PageTableFormat format;
    private final GuestHandleResolver resolver;
    private final KitKernel kernel;
    private final DomainArchState domainState;
    private final KernelXencomm kernelState;
    private final Map<UserProcessServices, ProcessXencomm> processes = new HashMap<>();

    /**
     * A domain of 4096 frames of {@code pageSize}, with the backend's hypervisor half made for it
     * and its guest half attached to its kernel.
     */
    public KitArchRig(GuestXencomm guestHalf, GuestHandleResolver resolver, PageTableFormat format,
            AddressSpaceLayout layout, PageSize pageSize) {
        this.format = requireNonNull(format, "format is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.kernel = new KitKernel(KitKernel.Host.of((domid, op, args) -> kernelHypercall(op, args), metrics, trace),
                new TestingGuestPhysicalMemory(0, pageSize, 4096), layout, 42);
        this.domainState = resolver.createDomainState(0, heap);
        this.kernelState = guestHalf.attachKernel(kernel);
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return format;
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
    public KitKernel kernel() {
        return kernel;
    }

    @Override
    public RunMetrics metrics() {
        return metrics;
    }

    /** The domain's Xen heap account (what the backend's hypervisor half charged). */
    public TestingHeapAccount heap() {
        return heap;
    }

    /** The kit's kernel counts its blocks ({@link KitKernel#outstandingBlocks}). */
    @Override
    public int kernelBlocksInUse() {
        return kernel.outstandingBlocks();
    }

    /** Frame pins the domain's state holds now. */
    public int pinnedFrames() {
        return pins.total();
    }

    @Override
    public KitProcess startProcess() {
        KitProcess process = kernel.spawn();
        ProcessXencomm state = kernelState.attachProcess(process);
        process.attach(state);
        synchronized (this) {
            processes.put(process, state);
        }
        return process;
    }

    @Override
    public void exit(UserProcessServices process) {
        synchronized (this) {
            processes.remove(process);
        }
        ((KitProcess) process).exit();
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        return new KitHypercallContext.OfRig(this, resolver, domainState, 0);
    }

    /**
     * Ends the domain as the lab does: the kernel's state released (call it once every process
     * exited), then the domain's state released through a teardown that drops pins and heap charges.
     */
    public void destroy() {
        kernelState.release();
        domainState.release(new DomainTeardown() {
            @Override
            public void unpinFrame(long gfn) {
                pins.unpin(gfn);
            }

            @Override
            public TestingHeapAccount heap() {
                return heap;
            }
        });
    }

    long kernelHypercall(int op, long[] args) {
        HypercallHandler handler = domainState.hypercall(op);
        if (handler == null) {
            return XenErrno.ENOSYS.asResult();
        }
        try {
            return handler.handle(context(null), java.util.Arrays.copyOf(args, 5));
        } catch (org.xencommlab.api.errno.XenException e) {
            return e.asResult();
        }
    }

    boolean pin(long gfn) {
        if (!kernel.physicalMemory().isRam(gfn)) {
            return false;
        }
        pins.pin(gfn);
        return true;
    }

    void unpin(long gfn) {
        pins.unpin(gfn);
    }
}
