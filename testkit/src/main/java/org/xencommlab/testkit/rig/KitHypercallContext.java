package org.xencommlab.testkit.rig;

import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * One hypervisor entry of a domain, as the hypervisor's {@code GuestCopy} makes it: a copy asks the
 * resolver's {@code accessOk} for the whole range first, opens the reference through the domain's
 * {@link DomainArchState}, and moves the bytes page piece by page piece, translating the first
 * byte of each piece and refusing a piece whose frame the domain does not hold (reported to
 * {@link #foreignFrame}); a fault stops the copy and reports the bytes not copied. Bytes copied are
 * counted as the hypervisor counts them. Never preempted: {@link #createContinuation} is refused.
 *
 * <p>A module with a machine of its own extends it with where the domain's memory, heap, pins,
 * counters and trace are; the {@link KitArchRig}'s entries are one such subclass, keeping frame
 * pins per frame so that a test can see what a state left pinned ({@link KitArchRig#pinnedFrames}).
 */
public abstract class KitHypercallContext implements HypercallContext {
    private final GuestHandleResolver resolver;
    private final DomainArchState state;
    private final long pageTableBase;

    /** An entry whose copies go through {@code resolver} and the domain's {@code state}, with CR3 (or its like) {@code pageTableBase}. */
    protected KitHypercallContext(GuestHandleResolver resolver, DomainArchState state, long pageTableBase) {
        this.resolver = resolver;
        this.state = state;
        this.pageTableBase = pageTableBase;
    }

    @Override
    public int vcpu() {
        return 0;
    }

    @Override
    public final GuestCopy guest() {
        return new Copy();
    }

    @Override
    public long pageTableBase() {
        return pageTableBase;
    }

    @Override
    public boolean preemptionPending() {
        return false;
    }

    @Override
    public long createContinuation(long op, long... args) {
        throw new UnsupportedOperationException("the kit's entries are never preempted");
    }

    /**
     * A copy's translation named frame {@code gfn}, which is not RAM of this domain; the copy stops
     * there. A module that counts such reaches (they must never happen) overrides it.
     */
    protected void foreignFrame(long gfn) {}

    /** The entries of a {@link KitArchRig}'s one domain. */
    static final class OfRig extends KitHypercallContext {
        private final KitArchRig rig;

        OfRig(KitArchRig rig, GuestHandleResolver resolver, DomainArchState state, long pageTableBase) {
            super(resolver, state, pageTableBase);
            this.rig = rig;
        }

        @Override
        public int domid() {
            return rig.kernel().domid();
        }

        @Override
        public boolean isPrivileged() {
            return true;
        }

        @Override
        public GuestPhysicalMemory memory() {
            return rig.kernel().physicalMemory();
        }

        @Override
        public XenHeapAccount heap() {
            return rig.heap();
        }

        @Override
        public boolean pinFrame(long gfn) {
            return rig.pin(gfn);
        }

        @Override
        public void unpinFrame(long gfn) {
            rig.unpin(gfn);
        }

        @Override
        public RunMetrics metrics() {
            return rig.metrics();
        }

        @Override
        public Trace trace() {
            return rig.kernel().trace();
        }
    }

    /** Frame pins of one domain, counted per frame. */
    static final class Pins {
        private final Map<Long, Integer> pins = new HashMap<>();

        synchronized void pin(long gfn) {
            pins.merge(gfn, 1, Integer::sum);
        }

        synchronized void unpin(long gfn) {
            Integer count = pins.get(gfn);
            if (count == null) {
                throw new AssertionError("unpin of frame 0x" + Long.toHexString(gfn) + ", which is not pinned");
            }
            if (count == 1) {
                pins.remove(gfn);
            } else {
                pins.put(gfn, count - 1);
            }
        }

        synchronized int total() {
            return pins.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final class Copy implements GuestCopy {
        @Override
        public boolean accessOk(MemoryReference ref, long offset, long length) {
            return resolver.accessOk(ref, offset, length);
        }

        @Override
        public MemoryReference advance(MemoryReference ref, long bytes) {
            return state.advance(KitHypercallContext.this, ref, bytes);
        }

        @Override
        public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
            return copy(ref, offset, length, GuestAccessKind.READ, (address, done, piece) -> memory().read(address, dst, dstOffset + done, piece));
        }

        @Override
        public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
            return copy(ref, offset, length, GuestAccessKind.WRITE, (address, done, piece) -> memory().write(address, src, srcOffset + done, piece));
        }

        private long copy(MemoryReference ref, long offset, int length, GuestAccessKind kind, Piece piece) {
            if (!resolver.accessOk(ref, offset, length)) {
                return length;
            }
            GuestRegion region;
            try {
                region = state.open(KitHypercallContext.this, ref, kind);
            } catch (XenException e) {
                return length;
            }
            PageSize pageSize = memory().pageSize();
            int done = 0;
            try {
                while (done < length) {
                    long address = region.translate(offset + done);
                    if (address < 0) {
                        if (XenErrno.fromResult(address).isEmpty()) {
                            throw new AssertionError("translate returned " + address + ", a negative value that is no Xen errno");
                        }
                        return length - done;
                    }
                    if (!memory().isRam(pageSize.pageOf(address))) {
                        foreignFrame(pageSize.pageOf(address));
                        return length - done;
                    }
                    int size = Math.min(length - done, pageSize.bytesToPageEnd(address));
                    piece.copy(address, done, size);
                    done += size;
                }
                return 0;
            } catch (XenException e) {
                return length - done;
            } finally {
                region.close();
                if (done > 0) {
                    metrics().add(kind == GuestAccessKind.READ ? Counter.BYTES_TO_HYPERVISOR : Counter.BYTES_TO_GUEST, done);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Piece {
        void copy(long address, int done, int size);
    }
}
