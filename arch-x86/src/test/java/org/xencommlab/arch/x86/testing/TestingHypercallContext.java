package org.xencommlab.arch.x86.testing;

import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.testkit.rig.KitHypercallContext;

/**
 * One hypervisor entry of vCPU 0 of the domain that owns {@code memory}, with CR3 =
 * {@code pageTableBase}: the kit's entry ({@link KitHypercallContext}), whose copies go through the
 * resolver under test piece by piece as the hypervisor's copy_from_guest does. The x86 domain state
 * is stateless, so each entry makes its own. What the x86 backend never uses (the heap, pins) is
 * refused loudly.
 */
public final class TestingHypercallContext extends KitHypercallContext {
    private final GuestPhysicalMemory memory;
    private final RunMetrics metrics;
    private final Trace trace;

    public TestingHypercallContext(GuestPhysicalMemory memory, long pageTableBase, RunMetrics metrics, Trace trace, GuestHandleResolver resolver) {
        super(resolver, resolver.createDomainState(0, null), pageTableBase);
        this.memory = memory;
        this.metrics = metrics;
        this.trace = trace;
    }

    @Override
    public int domid() {
        return memory.domid();
    }

    @Override
    public boolean isPrivileged() {
        return true;
    }

    @Override
    public GuestPhysicalMemory memory() {
        return memory;
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
    public RunMetrics metrics() {
        return metrics;
    }

    @Override
    public Trace trace() {
        return trace;
    }
}
