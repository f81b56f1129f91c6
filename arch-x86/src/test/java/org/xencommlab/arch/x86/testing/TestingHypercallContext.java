package org.xencommlab.arch.x86.testing;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * One hypervisor entry of vCPU 0 of the domain that owns {@code memory}, with CR3 =
 * {@code pageTableBase}. Its {@link #guest()} copies piece by piece through the resolver under
 * test, as the hypervisor's copy_from_guest does: translate the first byte of each piece, copy to
 * the end of that page, stop at the first fault and report the bytes not copied. What the x86
 * backend never uses (the heap, pins, continuations) is refused loudly.
 */
public final class TestingHypercallContext implements HypercallContext {
    private final GuestPhysicalMemory memory;
    private final long pageTableBase;
    private final RunMetrics metrics;
    private final Trace trace;
    private final GuestHandleResolver resolver;

    public TestingHypercallContext(GuestPhysicalMemory memory, long pageTableBase, RunMetrics metrics, Trace trace, GuestHandleResolver resolver) {
        this.memory = memory;
        this.pageTableBase = pageTableBase;
        this.metrics = metrics;
        this.trace = trace;
        this.resolver = resolver;
    }

    @Override
    public int domid() {
        return memory.domid();
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
                GuestRegion region = resolver.createDomainState(0, null).open(TestingHypercallContext.this, ref, GuestAccessKind.READ);
                int done = 0;
                while (done < length) {
                    long physical = region.translate(offset + done);
                    if (physical < 0) {
                        return length - done;
                    }
                    int n = Math.min(length - done, memory.pageSize().bytesToPageEnd(physical));
                    memory.read(physical, dst, dstOffset + done, n);
                    done += n;
                }
                return 0;
            }

            @Override
            public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
                GuestRegion region = resolver.createDomainState(0, null).open(TestingHypercallContext.this, ref, GuestAccessKind.WRITE);
                int done = 0;
                while (done < length) {
                    long physical = region.translate(offset + done);
                    if (physical < 0) {
                        return length - done;
                    }
                    int n = Math.min(length - done, memory.pageSize().bytesToPageEnd(physical));
                    memory.write(physical, src, srcOffset + done, n);
                    done += n;
                }
                return 0;
            }
        };
    }

    @Override
    public GuestPhysicalMemory memory() {
        return memory;
    }

    @Override
    public long pageTableBase() {
        return pageTableBase;
    }

    @Override
    public XenHeapAccount heap() {
        throw new UnsupportedOperationException("the x86 backend charges nothing to the Xen heap");
    }

    @Override
    public boolean pinFrame(long gfn) {
        throw new UnsupportedOperationException("the x86 backend pins no frame");
    }

    @Override
    public void unpinFrame(long gfn) {
        throw new UnsupportedOperationException("the x86 backend pins no frame");
    }

    @Override
    public boolean preemptionPending() {
        return false;
    }

    @Override
    public long createContinuation(long op, long... args) {
        throw new UnsupportedOperationException("no continuations in a resolver test");
    }

    @Override
    public RunMetrics metrics() {
        return metrics;
    }

    @Override
    public Trace trace() {
        return trace;
    }
}
