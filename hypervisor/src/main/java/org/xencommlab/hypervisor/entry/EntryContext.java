package org.xencommlab.hypervisor.entry;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.hypervisor.access.GuestAccess;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.Vcpu;

/**
 * The {@link HypercallContext} of one hypervisor entry (a continuation's re-entry gets a new one).
 * Used by one thread; not valid after the entry returns.
 *
 * <p>Preemption is counted, never timed: each call of {@link #preemptionPending()} is one poll, and
 * the poll answers true once this entry has polled more than the configured number of times.
 */
public final class EntryContext implements HypercallContext {
    private final HypercallEntry entry;
    private final Domain domain;
    private final Vcpu vcpu;
    private final int pollLimit;
    private GuestAccess guest;
    private int polls;
    private boolean continued;
    private long continuationOp;
    private final long[] continuationArgs = new long[HypercallEntry.MAX_ARGS];

    EntryContext(HypercallEntry entry, Domain domain, Vcpu vcpu, int pollLimit) {
        this.entry = entry;
        this.domain = domain;
        this.vcpu = vcpu;
        this.pollLimit = pollLimit;
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public int vcpu() {
        return vcpu.id();
    }

    @Override
    public boolean isPrivileged() {
        return domain.isPrivileged();
    }

    @Override
    public GuestCopy guest() {
        if (guest == null) {
            guest = new GuestAccess(this, entry.resolver(), domain.archState(), entry.scheduler(), entry.metrics(), entry.trace());
        }
        return guest;
    }

    @Override
    public GuestPhysicalMemory memory() {
        return domain.memory();
    }

    @Override
    public long pageTableBase() {
        return vcpu.pageTableBase();
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
        if (polls < Integer.MAX_VALUE) {
            polls++;
        }
        return polls > pollLimit;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The gate re-enters the hypercall with these arguments when the handler returns (whatever
     * it returns, unless it throws). Returns {@code op}, as Xen's
     * {@code hypercall_create_continuation} does.
     *
     * @throws IllegalArgumentException for more than five arguments
     * @throws IllegalStateException if this entry has made a continuation already
     */
    @Override
    public long createContinuation(long op, long... args) {
        if (args != null && args.length > HypercallEntry.MAX_ARGS) {
            throw new IllegalArgumentException("a continuation takes at most five arguments");
        }
        if (continued) {
            throw new IllegalStateException("continuation created twice in one entry");
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
        return entry.metrics();
    }

    @Override
    public Trace trace() {
        return entry.trace();
    }

    /** The domain this entry runs for. */
    public Domain domain() {
        return domain;
    }

    /** Polls of {@link #preemptionPending()} made in this entry. */
    public int polls() {
        return polls;
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
