package org.xencommlab.arch.x86.testing;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import java.util.TreeSet;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.arch.x86.paging.X86AddressSpace;

/**
 * A guest kernel reduced to what the x86 guest half uses: a first-fit frame allocator over a
 * {@link TestingGuestPhysicalMemory} (frames come back zeroed; a double free is a test failure),
 * the x86 layout, metrics and trace. It has no hypervisor: {@link #hypercall} is -ENOSYS.
 */
public final class TestingKernelServices implements KernelServices {
    private final TestingGuestPhysicalMemory memory;
    private final RunMetrics metrics;
    private final TestingTrace trace;
    private final TreeSet<Long> free = new TreeSet<>();

    public TestingKernelServices(TestingGuestPhysicalMemory memory, RunMetrics metrics, TestingTrace trace) {
        this.memory = memory;
        this.metrics = metrics;
        this.trace = trace;
        // Frame 0 stays unused, as on a real machine.
        for (long gfn = 1; gfn < memory.nrFrames(); gfn++) {
            free.add(gfn);
        }
    }

    public TestingTrace testingTrace() {
        return trace;
    }

    public TestingGuestPhysicalMemory testingMemory() {
        return memory;
    }

    /** Frames handed out and not given back. */
    public synchronized long framesInUse() {
        return memory.nrFrames() - 1 - free.size();
    }

    /** Frames left to allocate. */
    public synchronized long framesFree() {
        return free.size();
    }

    /** One zeroed frame. */
    public synchronized long allocateFrame() {
        return allocateRun(1);
    }

    public synchronized void freeFrame(long gfn) {
        if (gfn <= 0 || gfn >= memory.nrFrames() || !free.add(gfn)) {
            throw new IllegalStateException("double or bad free of gfn 0x" + Long.toHexString(gfn));
        }
    }

    @Override
    public int domid() {
        return memory.domid();
    }

    @Override
    public PageSize pageSize() {
        return memory.pageSize();
    }

    @Override
    public AddressSpaceLayout layout() {
        return X86AddressSpace.LAYOUT;
    }

    @Override
    public GuestPhysicalMemory physicalMemory() {
        return memory;
    }

    @Override
    public synchronized KernelBlock kmalloc(int length) {
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "kmalloc of " + length);
        }
        long first = allocateRun((int) pageSize().pagesFor(length));
        long physical = pageSize().addressOf(first);
        return new KernelBlock(layout().kernelAddressOf(physical), physical, length);
    }

    @Override
    public synchronized void kfree(KernelBlock block) {
        freeContiguous(block);
    }

    @Override
    public synchronized KernelBlock allocateContiguous(int nrPages) {
        if (nrPages <= 0) {
            throw new XenException(XenErrno.EINVAL, "allocation of " + nrPages + " pages");
        }
        long first = allocateRun(nrPages);
        long physical = pageSize().addressOf(first);
        return new KernelBlock(layout().kernelAddressOf(physical), physical, nrPages * pageSize().bytes());
    }

    @Override
    public synchronized void freeContiguous(KernelBlock block) {
        long first = pageSize().pageOf(block.physicalAddress());
        for (long i = 0; i < pageSize().pagesFor(block.length()); i++) {
            freeFrame(first + i);
        }
    }

    @Override
    public long hypercall(int op, long... args) {
        return XenErrno.ENOSYS.asResult();
    }

    @Override
    public RunMetrics metrics() {
        return metrics;
    }

    @Override
    public Trace trace() {
        return trace;
    }

    private long allocateRun(int nrPages) {
        for (long start : free) {
            boolean run = true;
            for (long i = 1; i < nrPages && run; i++) {
                run = free.contains(start + i);
            }
            if (run) {
                for (long i = 0; i < nrPages; i++) {
                    free.remove(start + i);
                    memory.zero(pageSize().addressOf(start + i), pageSize().bytes());
                }
                return start;
            }
        }
        throw new XenException(XenErrno.ENOMEM, "no run of " + nrPages + " free frames");
    }
}
