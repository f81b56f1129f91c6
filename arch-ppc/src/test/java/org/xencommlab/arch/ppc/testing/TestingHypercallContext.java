package org.xencommlab.arch.ppc.testing;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
// After the merge with main, GuestCopy lives in org.xencommlab.api.hypercall.
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;

/** One hypervisor entry of a {@link TestingDomain}, with a copy path over the ppc resolver. */
public final class TestingHypercallContext implements HypercallContext {
    private final TestingMachine machine;
    private final TestingDomain domain;

    TestingHypercallContext(TestingMachine machine, TestingDomain domain) {
        this.machine = machine;
        this.domain = domain;
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public int vcpu() {
        return 0;
    }

    @Override
    public boolean isPrivileged() {
        return domain.privileged();
    }

    @Override
    public GuestCopy guest() {
        return new Copy();
    }

    @Override
    public GuestPhysicalMemory memory() {
        return domain.memory();
    }

    @Override
    public long pageTableBase() {
        return 0;
    }

    @Override
    public XenHeapAccount heap() {
        return domain.heap();
    }

    @Override
    public boolean pinFrame(long gfn) {
        return domain.pinFrame(gfn);
    }

    @Override
    public void unpinFrame(long gfn) {
        domain.unpinFrame(gfn);
    }

    @Override
    public boolean preemptionPending() {
        return false;
    }

    @Override
    public long createContinuation(long op, long... args) {
        throw new UnsupportedOperationException("no continuations in the ppc tests");
    }

    @Override
    public RunMetrics metrics() {
        return machine.metrics();
    }

    @Override
    public Trace trace() {
        return machine.trace();
    }

    /** Copies page piece by page piece through the resolver, returning bytes not copied. */
    private final class Copy implements GuestCopy {
        @Override
        public MemoryReference advance(MemoryReference ref, long bytes) {
            return domain.archState().advance(TestingHypercallContext.this, ref, bytes);
        }

        @Override
        public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
            return copy(ref, offset, length, GuestAccessKind.READ, (address, done, piece) -> domain.memory().read(address, dst, dstOffset + done, piece));
        }

        @Override
        public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
            return copy(ref, offset, length, GuestAccessKind.WRITE, (address, done, piece) -> domain.memory().write(address, src, srcOffset + done, piece));
        }

        private long copy(MemoryReference ref, long offset, int length, GuestAccessKind kind, Piece piece) {
            GuestRegion region;
            try {
                region = domain.archState().open(TestingHypercallContext.this, ref, kind);
            } catch (XenException e) {
                return length;
            }
            PageSize pageSize = domain.memory().pageSize();
            int done = 0;
            while (done < length) {
                long address = region.translate(offset + done);
                if (address < 0) {
                    if (XenErrno.fromResult(address).isEmpty()) {
                        throw new AssertionError("translate returned a negative non-errno " + address);
                    }
                    return length - done;
                }
                if (!domain.memory().isRam(pageSize.pageOf(address))) {
                    machine.noteForeignReach();
                    return length - done;
                }
                int size = Math.min(length - done, pageSize.bytesToPageEnd(address));
                try {
                    piece.copy(address, done, size);
                } catch (XenException e) {
                    return length - done;
                }
                done += size;
            }
            return 0;
        }
    }

    @FunctionalInterface
    private interface Piece {
        void copy(long address, int done, int size);
    }
}
