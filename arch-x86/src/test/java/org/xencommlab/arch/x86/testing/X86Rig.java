package org.xencommlab.arch.x86.testing;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.testkit.arch.ArchRig;

/** The kit's rig for the x86 backend: a {@link TestingDomain} of 4096 frames and the guest half in {@code config}. */
public final class X86Rig implements ArchRig {
    private final TestingDomain domain = new TestingDomain(4096);
    private final X86GuestXencomm guest;

    public X86Rig(X86BufferConfig config) {
        this.guest = new X86GuestXencomm(config);
    }

    @Override
    public PageTableFormat pageTableFormat() {
        return new X86PageTableFormat();
    }

    @Override
    public GuestXencomm guest() {
        return guest;
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
        return domain.process(64);
    }

    @Override
    public void exit(UserProcessServices process) {
        ((TestingUserProcessServices) process).exit();
    }

    @Override
    public HypercallContext context(UserProcessServices caller) {
        return domain.context((TestingUserProcessServices) caller);
    }
}
