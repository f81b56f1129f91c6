package org.xencommlab.arch.ppc.testing;

import org.xencommlab.arch.ppc.paging.PpcAddressSpace;
import org.xencommlab.testkit.rig.KitKernel;
import org.xencommlab.testkit.rig.KitProcess;

/**
 * The kit's guest kernel ({@link KitKernel}: scattered user frames, skewed {@code kmalloc},
 * reference-counted user frames) for one {@link TestingDomain} of a {@link TestingMachine}, in
 * ppc's address-space layout, its hypercalls going through the machine's entry and its processes
 * {@link TestingProcess}es.
 */
public final class TestingKernel extends KitKernel {
    private final TestingDomain domain;

    public TestingKernel(TestingMachine machine, TestingDomain domain, long seed) {
        super(Host.of(machine::hypercall, machine.metrics(), machine.trace()), domain.memory(), PpcAddressSpace.layout(), seed);
        this.domain = domain;
    }

    public TestingDomain domain() {
        return domain;
    }

    @Override
    public TestingProcess spawn() {
        return (TestingProcess) super.spawn();
    }

    @Override
    protected KitProcess newProcess(int pid) {
        return new TestingProcess(this, pid);
    }
}
