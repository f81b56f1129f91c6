package org.xencommlab.arch.x86.planted;

import java.nio.ByteOrder;
import java.util.List;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * A PLANTED DEFECT, for tests only (never listed in {@code META-INF/services}): the real x86
 * hypervisor half ({@link X86GuestHandleResolver}) with one bounds check skipped. The page walk ends
 * by asking whether the frame the last entry names is RAM the domain holds; here that question is
 * answered by the frame number's width alone (below 2^40 frames, a 52-bit guest-physical address),
 * as a backend does that bounds a frame by what the hardware can address instead of by the domain's
 * p2m. So a page-table entry that names a frame the domain does not hold (another domain's, a
 * device's) resolves, and the hypervisor is handed an address it must never reach.
 *
 * <p>Everything else is the real walk: the tables themselves must still be RAM (reading them
 * faults otherwise), presence, write permission, reserved bits and canonical addresses are still
 * checked, and {@code accessOk} is the real one. The kit's {@code ArchContract} catches it
 * ({@code aReferenceNeverResolvesToAFrameTheDomainDoesNotHold}).
 */
public final class FrameBoundSkippingResolver implements GuestHandleResolver {
    /** The only bound put on the frame a walk ends on: what a 52-bit guest-physical address can name. */
    static final long ADDRESSABLE_FRAMES = 1L << (52 - X86PageTableFormat.PAGE_SHIFT);

    private final X86GuestHandleResolver walk = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);

    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        return walk.accessOk(ref, offset, length);
    }

    @Override
    public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
        DomainArchState real = walk.createDomainState(domid, heap);
        return new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                // The walk's last check goes to the context's memory: it gets a view that bounds a frame by width only.
                return real.open(new WidthBoundContext(context), ref, access);
            }

            @Override
            public MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
                return real.advance(context, ref, bytes);
            }

            @Override
            public HypercallHandler hypercall(int number) {
                return real.hypercall(number);
            }

            @Override
            public List<String> audit() {
                return real.audit();
            }

            @Override
            public void release(DomainTeardown teardown) {
                real.release(teardown);
            }
        };
    }

    @Override
    public String toString() {
        return "x86 page walk without the RAM check on the last frame (planted defect)";
    }

    /** A hypervisor entry as the real one, whose memory answers "is RAM" from the frame number's width. */
    private static final class WidthBoundContext implements HypercallContext {
        private final HypercallContext entry;
        private final GuestPhysicalMemory memory;

        WidthBoundContext(HypercallContext entry) {
            this.entry = entry;
            this.memory = new WidthBoundMemory(entry.memory());
        }

        @Override
        public int domid() {
            return entry.domid();
        }

        @Override
        public int vcpu() {
            return entry.vcpu();
        }

        @Override
        public boolean isPrivileged() {
            return entry.isPrivileged();
        }

        @Override
        public GuestCopy guest() {
            return entry.guest();
        }

        @Override
        public GuestPhysicalMemory memory() {
            return memory;
        }

        @Override
        public long pageTableBase() {
            return entry.pageTableBase();
        }

        @Override
        public XenHeapAccount heap() {
            return entry.heap();
        }

        @Override
        public boolean pinFrame(long gfn) {
            return entry.pinFrame(gfn);
        }

        @Override
        public void unpinFrame(long gfn) {
            entry.unpinFrame(gfn);
        }

        @Override
        public boolean preemptionPending() {
            return entry.preemptionPending();
        }

        @Override
        public long createContinuation(long op, long... args) {
            return entry.createContinuation(op, args);
        }

        @Override
        public RunMetrics metrics() {
            return entry.metrics();
        }

        @Override
        public Trace trace() {
            return entry.trace();
        }
    }

    /** The domain's memory, except that every frame a 52-bit address can name counts as its RAM. */
    private static final class WidthBoundMemory implements GuestPhysicalMemory {
        private final GuestPhysicalMemory memory;

        WidthBoundMemory(GuestPhysicalMemory memory) {
            this.memory = memory;
        }

        @Override
        public boolean isRam(long gfn) {
            return gfn >= 0 && gfn < ADDRESSABLE_FRAMES; // the skipped check: memory.isRam(gfn)
        }

        @Override
        public int domid() {
            return memory.domid();
        }

        @Override
        public PageSize pageSize() {
            return memory.pageSize();
        }

        @Override
        public void read(long address, byte[] dst, int dstOffset, int length) {
            memory.read(address, dst, dstOffset, length);
        }

        @Override
        public void write(long address, byte[] src, int srcOffset, int length) {
            memory.write(address, src, srcOffset, length);
        }

        @Override
        public long readLong(long address, ByteOrder order) {
            return memory.readLong(address, order);
        }

        @Override
        public void writeLong(long address, long value, ByteOrder order) {
            memory.writeLong(address, value, order);
        }

        @Override
        public void zero(long address, int length) {
            memory.zero(address, length);
        }
    }
}
