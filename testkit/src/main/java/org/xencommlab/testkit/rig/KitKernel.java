package org.xencommlab.testkit.rig;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.trace.TestingTrace;

/**
 * The kit's guest kernel for one domain of a {@link KitArchRig}: real bytes in a
 * {@link TestingGuestPhysicalMemory}, a frame allocator that hands user frames out in a seeded,
 * scattered order (so a tool's buffer never lands on contiguous frames by luck), {@code kmalloc}
 * blocks that start 8 bytes into their first frame (8-byte aligned, not page-aligned), reference
 * counts on user frames (a pinned page outlives its mapping), and kernel hypercalls served by the
 * domain's {@code arch_N} handlers. It keeps no page tables: a process's mappings live in
 * {@link KitProcess}, so the rig suits a backend whose hypervisor does not walk the guest's page
 * tables. Thread-safe (one monitor).
 */
public final class KitKernel implements KernelServices {
    /** Frames below this hold the "kernel image" and are never handed out. */
    public static final int RESERVED_FRAMES = 16;
    private static final int KMALLOC_SKEW = 8;

    private final KitArchRig rig;
    private final TestingGuestPhysicalMemory memory;
    private final AddressSpaceLayout layout;
    private final BitSet free;
    private final SplittableRandom random = new SplittableRandom(42);
    private final Map<Long, Integer> userRefs = new HashMap<>();
    private final Map<Long, Integer> kernelBlocks = new HashMap<>();
    private final TestingTrace trace = new TestingTrace();
    private int nextPid = 1;

    KitKernel(KitArchRig rig, TestingGuestPhysicalMemory memory, AddressSpaceLayout layout) {
        this.rig = rig;
        this.memory = memory;
        this.layout = layout;
        int nrFrames = Math.toIntExact(memory.nrFrames());
        this.free = new BitSet(nrFrames);
        free.set(RESERVED_FRAMES, nrFrames);
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
        return layout;
    }

    @Override
    public TestingGuestPhysicalMemory physicalMemory() {
        return memory;
    }

    @Override
    public synchronized KernelBlock kmalloc(int length) {
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "kmalloc of " + length);
        }
        int pages = (int) pageSize().pagesFor(length + (long) KMALLOC_SKEW);
        long physical = pageSize().addressOf(takeRun(pages)) + KMALLOC_SKEW;
        kernelBlocks.put(physical, pages);
        return new KernelBlock(layout.kernelAddressOf(physical), physical, length);
    }

    @Override
    public synchronized void kfree(KernelBlock block) {
        Integer pages = kernelBlocks.remove(block.physicalAddress());
        if (pages == null) {
            throw new AssertionError("free of a kernel block not allocated: " + block);
        }
        long first = pageSize().pageOf(block.physicalAddress());
        free.set((int) first, (int) first + pages);
    }

    @Override
    public synchronized KernelBlock allocateContiguous(int nrPages) {
        if (nrPages <= 0) {
            throw new XenException(XenErrno.EINVAL, "allocation of " + nrPages + " pages");
        }
        long physical = pageSize().addressOf(takeRun(nrPages));
        kernelBlocks.put(physical, nrPages);
        return new KernelBlock(layout.kernelAddressOf(physical), physical, nrPages * pageSize().bytes());
    }

    @Override
    public void freeContiguous(KernelBlock block) {
        kfree(block);
    }

    /** Serves {@code op} with the domain state's {@code arch_N} handler, or -ENOSYS if it has none. */
    @Override
    public long hypercall(int op, long... args) {
        return rig.kernelHypercall(op, args);
    }

    @Override
    public RunMetrics metrics() {
        return rig.metrics();
    }

    @Override
    public Trace trace() {
        return trace;
    }

    /** Kernel blocks ({@code kmalloc} and contiguous) not yet freed. */
    public synchronized int outstandingBlocks() {
        return kernelBlocks.size();
    }

    /** User frames still held (mapped or pinned). */
    public synchronized int userFrames() {
        return userRefs.size();
    }

    synchronized int nextPid() {
        return nextPid++;
    }

    synchronized long allocateUserFrame() {
        int count = free.cardinality();
        if (count == 0) {
            throw new XenException(XenErrno.ENOMEM, "out of frames");
        }
        int gfn = free.nextSetBit(0);
        for (int skip = random.nextInt(Math.min(count, 64)); skip > 0; skip--) {
            gfn = free.nextSetBit(gfn + 1);
        }
        free.clear(gfn);
        memory.zero(pageSize().addressOf(gfn), pageSize().bytes());
        userRefs.put((long) gfn, 1);
        return gfn;
    }

    synchronized void refUserFrame(long gfn) {
        Integer refs = userRefs.get(gfn);
        if (refs == null) {
            throw new AssertionError("pin of a free frame 0x" + Long.toHexString(gfn));
        }
        userRefs.put(gfn, refs + 1);
    }

    synchronized void unrefUserFrame(long gfn) {
        Integer refs = userRefs.get(gfn);
        if (refs == null) {
            throw new AssertionError("release of a free frame 0x" + Long.toHexString(gfn));
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
                    memory.zero(pageSize().addressOf(start + i), pageSize().bytes());
                }
                return start;
            }
            start = free.nextSetBit(end);
        }
        throw new XenException(XenErrno.ENOMEM, "no run of " + pages + " free frames");
    }
}
