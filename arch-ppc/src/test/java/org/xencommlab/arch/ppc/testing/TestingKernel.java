package org.xencommlab.arch.ppc.testing;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.arch.ppc.paging.PpcAddressSpace;

/**
 * A guest kernel for one {@link TestingDomain}: a frame allocator that hands single frames out in a
 * scattered (seeded) order, so user buffers land on non-contiguous frames; kmalloc whose blocks
 * start 8 bytes into their first frame (8-byte aligned, not 32); reference-counted user frames.
 * Thread-safe.
 */
public final class TestingKernel implements KernelServices {
    /** Frames below this hold the "kernel image" and are never allocated. */
    public static final int RESERVED_FRAMES = 16;
    private static final int KMALLOC_SKEW = 8;

    private final TestingMachine machine;
    private final TestingDomain domain;
    private final BitSet free;
    private final SplittableRandom random;
    private final Map<Long, Integer> userRefs = new HashMap<>();
    private final Map<Long, Integer> kernelBlocks = new HashMap<>();
    private int nextPid = 1;
    private org.xencommlab.api.xencomm.KernelXencomm xencomm;

    public TestingKernel(TestingMachine machine, TestingDomain domain, long seed) {
        this.machine = machine;
        this.domain = domain;
        int nrFrames = Math.toIntExact(domain.memory().nrFrames());
        this.free = new BitSet(nrFrames);
        free.set(RESERVED_FRAMES, nrFrames);
        this.random = new SplittableRandom(seed);
    }

    /**
     * The arch's state of this kernel: made by {@code make} at the first call, as a guest kernel
     * attaches at boot, and the same afterwards.
     */
    public synchronized org.xencommlab.api.xencomm.KernelXencomm attachXencomm(
            java.util.function.Supplier<? extends org.xencommlab.api.xencomm.KernelXencomm> make) {
        if (xencomm == null) {
            xencomm = make.get();
        }
        return xencomm;
    }

    public TestingDomain domain() {
        return domain;
    }

    public TestingProcess spawn() {
        int pid;
        synchronized (this) {
            pid = nextPid++;
        }
        return new TestingProcess(this, pid);
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public PageSize pageSize() {
        return PageSize.SIZE_4K;
    }

    @Override
    public AddressSpaceLayout layout() {
        return PpcAddressSpace.layout();
    }

    @Override
    public GuestPhysicalMemory physicalMemory() {
        return domain.memory();
    }

    @Override
    public synchronized KernelBlock kmalloc(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("kmalloc of " + length);
        }
        int pages = (int) pageSize().pagesFor(length + (long) KMALLOC_SKEW);
        long first = takeRun(pages);
        long physical = pageSize().addressOf(first) + KMALLOC_SKEW;
        kernelBlocks.put(physical, pages);
        return new KernelBlock(layout().kernelAddressOf(physical), physical, length);
    }

    @Override
    public synchronized void kfree(KernelBlock block) {
        Integer pages = kernelBlocks.remove(block.physicalAddress());
        if (pages == null) {
            throw new AssertionError("kfree of a block not allocated: " + block);
        }
        long first = pageSize().pageOf(block.physicalAddress());
        free.set((int) first, (int) first + pages);
    }

    @Override
    public synchronized KernelBlock allocateContiguous(int nrPages) {
        long first = takeRun(nrPages);
        long physical = pageSize().addressOf(first);
        kernelBlocks.put(physical, nrPages);
        return new KernelBlock(layout().kernelAddressOf(physical), physical, nrPages * pageSize().bytes());
    }

    @Override
    public void freeContiguous(KernelBlock block) {
        kfree(block);
    }

    @Override
    public long hypercall(int op, long... args) {
        return machine.hypercall(domain.domid(), op, args);
    }

    @Override
    public RunMetrics metrics() {
        return machine.metrics();
    }

    @Override
    public Trace trace() {
        return machine.trace();
    }

    /** Kernel blocks (kmalloc and contiguous) not yet freed. */
    public synchronized int outstandingBlocks() {
        return kernelBlocks.size();
    }

    /** User frames still allocated (mapped or pinned). */
    public synchronized int userFrames() {
        return userRefs.size();
    }

    public synchronized int freeFrames() {
        return free.cardinality();
    }

    // ---- user frames, for TestingProcess ----

    synchronized long allocateUserFrame() {
        int count = free.cardinality();
        if (count == 0) {
            throw new XenException(XenErrno.ENOMEM, "out of frames");
        }
        int skip = random.nextInt(count);
        int gfn = free.nextSetBit(0);
        for (int i = 0; i < skip; i++) {
            gfn = free.nextSetBit(gfn + 1);
        }
        free.clear(gfn);
        domain.memory().zero(pageSize().addressOf(gfn), pageSize().bytes());
        userRefs.put((long) gfn, 1);
        return gfn;
    }

    synchronized void refUserFrame(long gfn) {
        Integer refs = userRefs.get(gfn);
        if (refs == null) {
            throw new AssertionError("ref of a free frame 0x" + Long.toHexString(gfn));
        }
        userRefs.put(gfn, refs + 1);
    }

    synchronized void unrefUserFrame(long gfn) {
        Integer refs = userRefs.get(gfn);
        if (refs == null) {
            throw new AssertionError("unref of a free frame 0x" + Long.toHexString(gfn));
        }
        if (refs == 1) {
            userRefs.remove(gfn);
            free.set((int) gfn);
        } else {
            userRefs.put(gfn, refs - 1);
        }
    }

    private long takeRun(int pages) {
        int start = free.nextSetBit(0);
        while (start >= 0) {
            int end = free.nextClearBit(start);
            if (end - start >= pages) {
                free.clear(start, start + pages);
                for (int i = 0; i < pages; i++) {
                    domain.memory().zero(pageSize().addressOf(start + i), pageSize().bytes());
                }
                return start;
            }
            start = free.nextSetBit(end);
        }
        throw new XenException(XenErrno.ENOMEM, "no run of " + pages + " frames");
    }
}
