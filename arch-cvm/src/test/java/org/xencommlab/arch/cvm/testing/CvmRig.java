package org.xencommlab.arch.cvm.testing;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.guest.CvmGuestXencomm;
import org.xencommlab.arch.cvm.paging.CvmPageTableFormat;
import org.xencommlab.testkit.arch.ArchRig;

/**
 * The kit's rig for the cvm backend: a {@link TestingCvm} of 4096 frames (its domain state, its
 * page-state hypercall reached by the kernel's {@code arch_0} calls), the guest half in
 * {@code config} attached to its kernel once, and {@link TestingCvmProcess}es its kernel spawns.
 */
public final class CvmRig implements ArchRig {
    private final TestingCvm machine = new TestingCvm(4096);
    private final CvmGuestXencomm guest;
    private KernelXencomm kernelState;

    public CvmRig(CvmConfig config) {
        guest = new CvmGuestXencomm(config);
    }

    /** The machine under the rig. */
    public TestingCvm machine() {
        return machine;
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return new CvmPageTableFormat();
    }

    @Override
    public synchronized KernelXencomm kernelXencomm() {
        if (kernelState == null) {
            kernelState = guest.attachKernel(machine.kernel);
        }
        return kernelState;
    }

    @Override
    public ProcessXencomm xencomm(UserProcessServices process) {
        KernelXencomm kernel = kernelXencomm();
        return ((TestingCvmProcess) process).attachXencomm(() -> kernel.attachProcess(process));
    }

    @Override
    public GuestHandleResolver resolver() {
        return machine.resolver;
    }

    @Override
    public DomainArchState domainState() {
        return machine.domainState;
    }

    @Override
    public KernelServices kernel() {
        return machine.kernel;
    }

    @Override
    public RunMetrics metrics() {
        return machine.metrics;
    }

    @Override
    public UserProcessServices startProcess() {
        TestingCvmProcess process = machine.kernel.spawn();
        xencomm(process);
        return process;
    }

    @Override
    public void exit(UserProcessServices process) {
        ((TestingCvmProcess) process).exit();
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        return machine.context();
    }

    /** The kit's kernel counts its blocks. */
    @Override
    public int kernelBlocksInUse() {
        return machine.kernel.outstandingBlocks();
    }
}
