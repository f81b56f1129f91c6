package org.xencommlab.arch.x86.testing;

import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.testkit.arch.ArchRig;

/** The kit's rig for the x86 backend: a {@link TestingDomain} of 4096 frames and the guest half in {@code config}. */
public final class X86Rig implements ArchRig {
    private final TestingDomain domain = new TestingDomain(4096);
    private final X86GuestXencomm.X86KernelState kernelState;
    private final DomainArchState domainState = domain.resolver().createDomainState(0, null);
    private final Map<UserProcessServices, ProcessXencomm> processes = new HashMap<>();

    public X86Rig(X86BufferConfig config) {
        this.kernelState = new X86GuestXencomm(config).attachKernel(domain.kernel());
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return new X86PageTableFormat();
    }

    @Override
    public KernelXencomm kernelXencomm() {
        return kernelState;
    }

    @Override
    public ProcessXencomm xencomm(UserProcessServices process) {
        ProcessXencomm state = processes.get(process);
        if (state == null) {
            throw new IllegalArgumentException("not a process this rig started: " + process);
        }
        return state;
    }

    @Override
    public DomainArchState domainState() {
        return domainState;
    }

    @Override
    public GuestHandleResolver resolver() {
        return domain.resolver();
    }

    @Override
    public KernelServices kernel() {
        return domain.kernel();
    }

    @Override
    public RunMetrics metrics() {
        return domain.metrics();
    }

    @Override
    public UserProcessServices startProcess() {
        TestingUserProcessServices process = domain.process(64);
        processes.put(process, kernelState.attachProcess(process));
        return process;
    }

    @Override
    public void exit(UserProcessServices process) {
        ((TestingUserProcessServices) process).exit();
        ProcessXencomm state = processes.remove(process);
        if (state != null) {
            state.release();
        }
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        return domain.context((TestingUserProcessServices) caller);
    }
}
