package org.xencommlab.arch.ppc.testing;

import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.testkit.rig.KitHypercallContext;

/**
 * One hypervisor entry of a {@link TestingDomain}: the kit's entry ({@link KitHypercallContext},
 * copies through the ppc resolver and the domain's state) over the domain's memory, heap account
 * and pins, with the machine's counters and trace; a translation that reaches a frame not RAM of
 * the domain is counted by the machine ({@link TestingMachine#foreignReaches()}).
 */
public final class TestingHypercallContext extends KitHypercallContext {
    private final TestingMachine machine;
    private final TestingDomain domain;

    TestingHypercallContext(TestingMachine machine, TestingDomain domain) {
        super(machine.resolver(), domain.archState(), 0);
        this.machine = machine;
        this.domain = domain;
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public boolean isPrivileged() {
        return domain.privileged();
    }

    @Override
    public GuestPhysicalMemory memory() {
        return domain.memory();
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
    public RunMetrics metrics() {
        return machine.metrics();
    }

    @Override
    public Trace trace() {
        return machine.trace();
    }

    @Override
    protected void foreignFrame(long gfn) {
        machine.noteForeignReach();
    }
}
