package org.xencommlab.hypervisor.entry;

import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;

/**
 * The context of a multicall sub-call: the multicall's own context (same domain, vCPU, guest
 * access and preemption polls, so the whole entry shares one budget of work), except that a
 * continuation the sub-call asks for is kept here for the multicall instead of re-entering the
 * gate, as Xen's {@code hypercall_create_continuation} does inside a multicall.
 */
final class SubCallContext implements HypercallContext {
    private final HypercallContext parent;
    private boolean continued;
    private long continuationOp;
    private final long[] continuationArgs = new long[HypercallEntry.MAX_ARGS];

    SubCallContext(HypercallContext parent) {
        this.parent = parent;
    }

    @Override
    public int domid() {
        return parent.domid();
    }

    @Override
    public int vcpu() {
        return parent.vcpu();
    }

    @Override
    public boolean isPrivileged() {
        return parent.isPrivileged();
    }

    @Override
    public GuestCopy guest() {
        return parent.guest();
    }

    @Override
    public GuestPhysicalMemory memory() {
        return parent.memory();
    }

    @Override
    public long pageTableBase() {
        return parent.pageTableBase();
    }

    @Override
    public XenHeapAccount heap() {
        return parent.heap();
    }

    @Override
    public boolean pinFrame(long gfn) {
        return parent.pinFrame(gfn);
    }

    @Override
    public void unpinFrame(long gfn) {
        parent.unpinFrame(gfn);
    }

    @Override
    public boolean preemptionPending() {
        return parent.preemptionPending();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for more than five arguments
     * @throws IllegalStateException if this sub-call has made a continuation already
     */
    @Override
    public long createContinuation(long op, long... args) {
        if (args != null && args.length > HypercallEntry.MAX_ARGS) {
            throw new IllegalArgumentException("a continuation takes at most five arguments");
        }
        if (continued) {
            throw new IllegalStateException("continuation created twice in one sub-call");
        }
        continued = true;
        continuationOp = op;
        if (args != null) {
            System.arraycopy(args, 0, continuationArgs, 0, args.length);
        }
        return op;
    }

    @Override
    public RunMetrics metrics() {
        return parent.metrics();
    }

    @Override
    public Trace trace() {
        return parent.trace();
    }

    boolean continued() {
        return continued;
    }

    long continuationOp() {
        return continuationOp;
    }

    long[] continuationArgs() {
        return continuationArgs;
    }
}
