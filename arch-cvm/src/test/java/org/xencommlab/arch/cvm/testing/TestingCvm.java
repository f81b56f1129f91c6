package org.xencommlab.arch.cvm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongBinaryOperator;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.arch.cvm.hypervisor.CvmGuestHandleResolver;
import org.xencommlab.arch.cvm.hypervisor.SharedPages;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.rig.KitHypercallContext;
import org.xencommlab.testkit.rig.KitKernel;
import org.xencommlab.testkit.rig.KitProcess;
import org.xencommlab.testkit.trace.TestingTrace;

/**
 * A small machine for the cvm module's tests: one domain's guest-physical memory of real bytes (the
 * kit's {@link TestingGuestPhysicalMemory}, which hypervisor entries see through a {@link TestingPhysmap}
 * whose entries can be given back and populated again), the module's own domain state and its page-state
 * hypercall behind hypervisor entries that are the kit's ({@link KitHypercallContext}: copies go
 * through the resolver page piece by page piece, as the hypervisor's one {@code GuestCopy} does),
 * preempted as a test asks, and a kernel that is the kit's ({@link KitKernel}, first fit, so
 * blocks are page-aligned as the guest's {@code allocateContiguous} makes them) whose hypercalls
 * reach that handler and whose processes are {@link TestingCvmProcess}es.
 */
public final class TestingCvm {
    private static final Trace TRACE = new TestingTrace();
    public static final PageSize PAGE = PageSize.SIZE_4K;

    public final RunMetrics metrics = new RunMetrics();
    public final TestingGuestPhysicalMemory memory;
    public final CvmGuestHandleResolver resolver = new CvmGuestHandleResolver();
    public final CvmGuestHandleResolver.CvmDomainState domainState;
    public final SharedPages pages;
    /** The hypervisor's view of {@link #memory}, whose p2m entries can be given back and populated again. */
    public final TestingPhysmap physmap;
    public final HypercallHandler psc;
    public final Kernel kernel;
    /** Preempt the page-state hypercall every this many entries (0: never). */
    public int preemptEvery;
    /** When set, replaces the hypervisor for every kernel hypercall (to make conversions fail). */
    public LongBinaryOperator hypercallOverride;
    public int continuations;

    public TestingCvm(int ramPages) {
        this.memory = new TestingGuestPhysicalMemory(0, PAGE, ramPages);
        this.domainState = resolver.createDomainState(0, new TestingHeapAccount(new TestingHeapAccount.Budget(1 << 20), 1 << 20));
        this.pages = domainState.pages();
        this.physmap = new TestingPhysmap(memory, domainState);
        this.psc = domainState.hypercall(PageStateChange.HYPERCALL);
        this.kernel = new Kernel();
    }

    /** A hypervisor entry of the domain, as a vCPU's hypercall gets it. */
    public HypercallContext context() {
        return new Context();
    }

    /** Issues {@code arch_0} with {@code args} as the hypervisor would, continuations included. */
    public long pageStateChange(long... args) {
        Context context = new Context();
        long result = psc.handle(context, args);
        while (context.continued != null) {
            long[] again = context.continued;
            context.continued = null;
            continuations++;
            result = psc.handle(context, again);
        }
        return result;
    }

    /** The hypervisor's copy from guest memory through the resolver: bytes not copied. */
    public long copyFromGuest(byte[] dst, long gpa, int length) {
        return new Context().guest().copyFromGuest(dst, 0, new MemoryReference(gpa), 0, length);
    }

    /** The hypervisor's copy to guest memory through the resolver: bytes not copied. */
    public long copyToGuest(long gpa, byte[] src) {
        return new Context().guest().copyToGuest(new MemoryReference(gpa), 0, src, 0, src.length);
    }

    /** Bytes the hypervisor's copies read from the guest so far. */
    public long bytesToHypervisor() {
        return metrics.get(Counter.BYTES_TO_HYPERVISOR);
    }

    public byte[] read(long gpa, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length;) {
            int n = (int) Math.min(length - done, PAGE.bytes() - ((gpa + done) & (PAGE.bytes() - 1)));
            memory.read(gpa + done, out, done, n);
            done += n;
        }
        return out;
    }

    public void write(long gpa, byte[] bytes) {
        for (int done = 0; done < bytes.length;) {
            int n = (int) Math.min(bytes.length - done, PAGE.bytes() - ((gpa + done) & (PAGE.bytes() - 1)));
            memory.write(gpa + done, bytes, done, n);
            done += n;
        }
    }

    /** The kernel's hypercalls: the override if set, else {@code arch_0} to the handler, else -ENOSYS. */
    private long kernelHypercall(int op, long[] args) {
        if (hypercallOverride != null) {
            return hypercallOverride.applyAsLong(op, args.length > 0 ? args[0] : -1);
        }
        if (op != PageStateChange.HYPERCALL) {
            return XenErrno.ENOSYS.asResult();
        }
        return pageStateChange(args);
    }

    /** The kit's entry of this domain, preempted every {@link #preemptEvery} entries. */
    private final class Context extends KitHypercallContext {
        long[] continued;
        int entriesSincePreempt;

        Context() {
            super(resolver, domainState, 0);
        }

        @Override
        public int domid() {
            return 0;
        }

        @Override
        public boolean isPrivileged() {
            return true;
        }

        @Override
        public GuestPhysicalMemory memory() {
            return physmap;
        }

        @Override
        public XenHeapAccount heap() {
            throw new AssertionError("the cvm backend charges nothing to the Xen heap");
        }

        @Override
        public boolean pinFrame(long gfn) {
            return physmap.isRam(gfn);
        }

        @Override
        public void unpinFrame(long gfn) {}

        @Override
        public boolean preemptionPending() {
            if (preemptEvery <= 0) {
                return false;
            }
            return ++entriesSincePreempt % preemptEvery == 0;
        }

        @Override
        public long createContinuation(long op, long... args) {
            continued = args.clone();
            return 0;
        }

        @Override
        public RunMetrics metrics() {
            return metrics;
        }

        @Override
        public Trace trace() {
            return TRACE;
        }
    }

    /**
     * The kit's kernel on this machine ({@link KitKernel.Allocation#FIRST_FIT}), in cvm's layout, its
     * {@code arch_0} calls reaching the handler, recording each block it is given back.
     */
    public final class Kernel extends KitKernel {
        /** Every block freed ({@code kfree} or {@code freeContiguous}), in order. */
        public final List<KernelBlock> freedContiguous = new ArrayList<>();

        Kernel() {
            super(Host.of((domid, op, args) -> kernelHypercall(op, args), metrics, TRACE), memory, CvmAddressSpace.LAYOUT,
                    Allocation.FIRST_FIT, 0);
        }

        @Override
        public void kfree(KernelBlock block) {
            super.kfree(block);
            synchronized (this) {
                freedContiguous.add(block);
            }
        }

        @Override
        public TestingCvmProcess spawn() {
            return (TestingCvmProcess) super.spawn();
        }

        @Override
        protected KitProcess newProcess(int pid) {
            return new TestingCvmProcess(this, pid);
        }
    }
}
