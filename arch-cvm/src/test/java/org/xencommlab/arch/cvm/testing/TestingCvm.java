package org.xencommlab.arch.cvm.testing;

import java.util.function.LongBinaryOperator;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.cvm.hypervisor.CvmGuestHandleResolver;
import org.xencommlab.arch.cvm.hypervisor.SharedPages;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.trace.TestingTrace;

/**
 * A small machine for the cvm module's tests: one domain's guest-physical memory of real bytes (the
 * kit's {@link TestingGuestPhysicalMemory}), the module's own domain state and its page-state
 * hypercall behind a {@link HypercallContext} whose copies go
 * through the resolver page piece by page piece (as the hypervisor's one {@code GuestCopy} does),
 * and a kernel with a bump allocator whose hypercalls reach that handler.
 */
public final class TestingCvm {
    private static final Trace TRACE = new TestingTrace();
    public static final PageSize PAGE = PageSize.SIZE_4K;

    public final RunMetrics metrics = new RunMetrics();
    public final TestingGuestPhysicalMemory memory;
    public final CvmGuestHandleResolver resolver = new CvmGuestHandleResolver();
    public final CvmGuestHandleResolver.CvmDomainState domainState;
    public final SharedPages pages;
    public final HypercallHandler psc;
    public final Kernel kernel = new Kernel();
    /** Preempt the page-state hypercall every this many entries (0: never). */
    public int preemptEvery;
    /** When set, replaces the hypervisor for every kernel hypercall (to make conversions fail). */
    public LongBinaryOperator hypercallOverride;
    public int continuations;
    public long bytesToHypervisor;
    public long bytesToGuest;

    public TestingCvm(int ramPages) {
        this.memory = new TestingGuestPhysicalMemory(0, PAGE, ramPages);
        this.domainState = resolver.createDomainState(0, new TestingHeapAccount(new TestingHeapAccount.Budget(1 << 20), 1 << 20));
        this.pages = domainState.pages();
        this.psc = domainState.hypercall(PageStateChange.HYPERCALL);
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

    private final class Context implements HypercallContext {
        long[] continued;
        int entriesSincePreempt;

        @Override
        public int domid() {
            return 0;
        }

        @Override
        public int vcpu() {
            return 0;
        }

        @Override
        public boolean isPrivileged() {
            return true;
        }

        @Override
        public GuestCopy guest() {
            return new GuestCopy() {
                @Override
                public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
                    return copy(ref, offset, length, GuestAccessKind.READ, (gpa, done, n) -> memory.read(gpa, dst, dstOffset + done, n));
                }

                @Override
                public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
                    return copy(ref, offset, length, GuestAccessKind.WRITE, (gpa, done, n) -> memory.write(gpa, src, srcOffset + done, n));
                }
            };
        }

        private long copy(MemoryReference ref, long offset, int length, GuestAccessKind kind, Piece piece) {
            if (!resolver.accessOk(ref, offset, length)) {
                return length;
            }
            GuestRegion region = domainState.open(this, ref, kind);
            int done = 0;
            while (done < length) {
                long gpa = region.translate(offset + done);
                if (gpa < 0) {
                    return length - done;
                }
                int n = (int) Math.min(length - done, PAGE.bytes() - (gpa & (PAGE.bytes() - 1)));
                piece.move(gpa, done, n);
                if (kind == GuestAccessKind.READ) {
                    bytesToHypervisor += n;
                } else {
                    bytesToGuest += n;
                }
                done += n;
            }
            return 0;
        }

        @Override
        public GuestPhysicalMemory memory() {
            return memory;
        }

        @Override
        public long pageTableBase() {
            return 0;
        }

        @Override
        public XenHeapAccount heap() {
            throw new AssertionError("the cvm backend charges nothing to the Xen heap");
        }

        @Override
        public boolean pinFrame(long gfn) {
            return memory.isRam(gfn);
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

    @FunctionalInterface
    private interface Piece {
        void move(long gpa, int done, int n);
    }

    /** A kernel whose frames come from a bump allocator and whose {@code arch_0} calls reach the handler. */
    public final class Kernel implements KernelServices {
        private long nextGfn = 1;
        public final java.util.List<KernelBlock> freedContiguous = new java.util.ArrayList<>();

        @Override
        public int domid() {
            return 0;
        }

        @Override
        public PageSize pageSize() {
            return PAGE;
        }

        @Override
        public AddressSpaceLayout layout() {
            return CvmAddressSpace.LAYOUT;
        }

        @Override
        public GuestPhysicalMemory physicalMemory() {
            return memory;
        }

        @Override
        public synchronized KernelBlock kmalloc(int length) {
            return allocateContiguous((int) PAGE.pagesFor(length));
        }

        @Override
        public void kfree(KernelBlock block) {
            freeContiguous(block);
        }

        @Override
        public synchronized KernelBlock allocateContiguous(int nrPages) {
            if (!memory.isRam(nextGfn + nrPages - 1)) {
                throw new XenException(XenErrno.ENOMEM, "out of frames");
            }
            long gpa = nextGfn << PAGE.shift();
            nextGfn += nrPages;
            return new KernelBlock(CvmAddressSpace.DIRECT_MAP_BASE + gpa, gpa, nrPages * PAGE.bytes());
        }

        @Override
        public synchronized void freeContiguous(KernelBlock block) {
            freedContiguous.add(block);
        }

        /** Kernel loads of guest-physical memory. */
        public byte[] read(long gpa, int length) {
            return TestingCvm.this.read(gpa, length);
        }

        /** Kernel stores to guest-physical memory. */
        public void write(long gpa, byte[] bytes) {
            TestingCvm.this.write(gpa, bytes);
        }

        /** A frame for a user page, faulted in. */
        public synchronized long allocateUserFrame() {
            return allocateContiguous(1).physicalAddress() >>> PAGE.shift();
        }

        @Override
        public long hypercall(int op, long... args) {
            if (hypercallOverride != null) {
                return hypercallOverride.applyAsLong(op, args.length > 0 ? args[0] : -1);
            }
            if (op != PageStateChange.HYPERCALL) {
                return XenErrno.ENOSYS.asResult();
            }
            return pageStateChange(args);
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
}
