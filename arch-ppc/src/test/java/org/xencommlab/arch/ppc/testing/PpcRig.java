package org.xencommlab.arch.ppc.testing;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.guest.PpcGuestXencomm;
import org.xencommlab.arch.ppc.paging.PpcRadixPageTableFormat;
import org.xencommlab.testkit.arch.ArchRig;

/**
 * The kit's rig for the ppc backend: a {@link TestingMachine} in {@code config} with one domain of
 * 2048 frames and 1 MiB of Xen heap quota, its {@link TestingKernel}, and the guest half.
 */
public final class PpcRig implements ArchRig {
    private static final int DOMID = 0;

    private final TestingMachine machine;
    private final TestingKernel kernel;
    private final PpcGuestXencomm guest;

    public PpcRig(PpcConfig config) {
        machine = new TestingMachine(config);
        kernel = new TestingKernel(machine, machine.createDomain(DOMID, 2048, 1 << 20), 5);
        guest = new PpcGuestXencomm(config);
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return new PpcRadixPageTableFormat();
    }

    @Override
    public KernelXencomm kernelXencomm() {
        return kernel.attachXencomm(() -> guest.attachKernel(kernel));
    }

    @Override
    public ProcessXencomm xencomm(UserProcessServices process) {
        KernelXencomm kernelState = kernelXencomm();
        return ((TestingProcess) process).attachXencomm(() -> kernelState.attachProcess(process));
    }

    @Override
    public DomainArchState domainState() {
        return machine.domain(DOMID).archState();
    }

    @Override
    public GuestHandleResolver resolver() {
        return machine.resolver();
    }

    @Override
    public KernelServices kernel() {
        return kernel;
    }

    @Override
    public RunMetrics metrics() {
        return machine.metrics();
    }

    @Override
    public UserProcessServices startProcess() {
        TestingProcess process = kernel.spawn();
        xencomm(process);
        return process;
    }

    @Override
    public void exit(UserProcessServices process) {
        ((TestingProcess) process).exit();
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        return machine.context(DOMID);
    }
}
