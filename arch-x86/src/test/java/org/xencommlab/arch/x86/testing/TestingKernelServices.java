package org.xencommlab.arch.x86.testing;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.rig.KitKernel;
import org.xencommlab.testkit.trace.TestingTrace;

/**
 * A guest kernel reduced to what the x86 guest half uses: the kit's kernel ({@link KitKernel}) over
 * a {@link TestingGuestPhysicalMemory} with first-fit frames ({@link KitKernel.Allocation#FIRST_FIT}:
 * frames come back zeroed, a double free is a test failure), page tables and user pages taken with
 * {@link #allocateFrame}, the x86 layout, metrics and trace. It has no hypervisor: {@link #hypercall}
 * is -ENOSYS.
 */
public final class TestingKernelServices extends KitKernel {
    private final TestingTrace trace;

    public TestingKernelServices(TestingGuestPhysicalMemory memory, RunMetrics metrics, TestingTrace trace) {
        super(Host.of((domid, op, args) -> XenErrno.ENOSYS.asResult(), metrics, trace), memory, X86AddressSpace.LAYOUT, Allocation.FIRST_FIT, 0);
        this.trace = trace;
    }

    public TestingTrace testingTrace() {
        return trace;
    }

    public TestingGuestPhysicalMemory testingMemory() {
        return physicalMemory();
    }

    /** Frames left to allocate. */
    public long framesFree() {
        return freeFrames();
    }
}
