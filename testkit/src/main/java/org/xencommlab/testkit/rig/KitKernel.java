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
import org.xencommlab.api.xencomm.KernelXencomm;
import java.util.function.Supplier;

/**
 * The kit's guest kernel for one domain (of a {@link KitArchRig}, or of a module's own machine
 * through a {@link Host}): real bytes in a
 * {@link TestingGuestPhysicalMemory}, a frame allocator that hands user frames out in a seeded,
 * scattered order (so a tool's buffer never lands on contiguous frames by luck), {@code kmalloc}
 * blocks that start 8 bytes into their first frame (8-byte aligned, not page-aligned), reference
 * counts on user frames (a pinned page outlives its mapping), and kernel hypercalls served by the
 * domain's {@code arch_N} handlers (in a {@link KitArchRig}; a {@link Host} decides elsewhere).
 * A module may subclass it (its processes through {@link #newProcess}). It keeps no page tables: a process's mappings live in
 * {@link KitProcess}, so the rig suits a backend whose hypervisor does not walk the guest's page
 * tables. Thread-safe (one monitor).
 */
public class KitKernel implements KernelServices {
    /**
     * Where a kernel's hypercalls, counters and trace go: the {@link KitArchRig}'s one domain, or a
     * module's own machine of several domains.
     */
    public interface Host {
        /** The hypercall entry for {@code domid}: a result or a negative errno. */
        long hypercall(int domid, int op, long[] args);

        RunMetrics metrics();

        Trace trace();

        /** A host whose hypercalls go to {@code entry} and whose counters and trace are those given. */
        static Host of(Entry entry, RunMetrics metrics, Trace trace) {
            return new Host() {
                @Override
                public long hypercall(int domid, int op, long[] args) {
                    return entry.hypercall(domid, op, args);
                }

                @Override
                public RunMetrics metrics() {
                    return metrics;
                }

                @Override
                public Trace trace() {
                    return trace;
                }
            };
        }
    }

    /** A hypercall entry: a result or a negative errno for {@code op} of {@code domid}. */
    @FunctionalInterface
    public interface Entry {
        long hypercall(int domid, int op, long[] args);
    }

    /** Frames below this hold the "kernel image" and are never handed out. */
    public static final int RESERVED_FRAMES = 16;
    private static final int KMALLOC_SKEW = 8;

    /** How the kernel hands frames out. */
    public enum Allocation {
        /**
         * The default: frames below {@link #RESERVED_FRAMES} never handed out, user frames in a
         * seeded scattered order, {@code kmalloc} blocks 8 bytes into their first frame.
         */
        SCATTERED(RESERVED_FRAMES, KMALLOC_SKEW),
        /**
         * Frame 0 never handed out (as on a real machine), every frame the lowest free one (first
         * fit), {@code kmalloc} blocks page-aligned: for a module whose tests count frames.
         */
        FIRST_FIT(1, 0);

        private final int reserved;
        private final int kmallocSkew;

        Allocation(int reserved, int kmallocSkew) {
            this.reserved = reserved;
            this.kmallocSkew = kmallocSkew;
        }
    }

    private final Host host;
    private final TestingGuestPhysicalMemory memory;
    private final AddressSpaceLayout layout;
    private final BitSet free;
    private final SplittableRandom random;
    private final Allocation allocation;
    private final Map<Long, Integer> userRefs = new HashMap<>();
    private final Map<Long, Integer> kernelBlocks = new HashMap<>();
    private int nextPid = 1;
    private KernelXencomm xencomm;

    /**
     * A kernel over {@code memory}, its user frames handed out in the order a generator seeded with
     * {@code seed} scatters them, its hypercalls, counters and trace sent to {@code host}.
     */
    public KitKernel(Host host, TestingGuestPhysicalMemory memory, AddressSpaceLayout layout, long seed) {
        this(host, memory, layout, Allocation.SCATTERED, seed);
    }

    /** A kernel as above whose frames are handed out as {@code allocation} says. */
    public KitKernel(Host host, TestingGuestPhysicalMemory memory, AddressSpaceLayout layout, Allocation allocation, long seed) {
        this.allocation = allocation;
        this.host = host;
        this.memory = memory;
        this.layout = layout;
        this.random = new SplittableRandom(seed);
        int nrFrames = Math.toIntExact(memory.nrFrames());
        this.free = new BitSet(nrFrames);
        free.set(allocation.reserved, nrFrames);
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
        int pages = (int) pageSize().pagesFor(length + (long) allocation.kmallocSkew);
        long physical = pageSize().addressOf(takeRun(pages)) + allocation.kmallocSkew;
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
        return host.hypercall(domid(), op, args);
    }

    @Override
    public RunMetrics metrics() {
        return host.metrics();
    }

    @Override
    public Trace trace() {
        return host.trace();
    }

    /**
     * The backend's state of this kernel: made by {@code make} at the first call, as a guest kernel
     * attaches it at boot, and the same one afterwards.
     */
    public synchronized KernelXencomm attachXencomm(Supplier<? extends KernelXencomm> make) {
        if (xencomm == null) {
            xencomm = make.get();
        }
        return xencomm;
    }

    /** A new process of this kernel (made by {@link #newProcess}), with no backend state yet. */
    public KitProcess spawn() {
        return newProcess(nextPid());
    }

    /** Makes the process {@link #spawn} returns; a module overrides it to return its own subclass. */
    protected KitProcess newProcess(int pid) {
        return new KitProcess(this, pid);
    }

    /** Frames free for users or the kernel now. */
    public synchronized int freeFrames() {
        return free.cardinality();
    }

    /** Frames handed out (to users or the kernel) and not given back. */
    public synchronized long framesInUse() {
        return memory.nrFrames() - allocation.reserved - free.cardinality();
    }

    /** One zeroed frame for the kernel's own use (a page table, say), until {@link #freeFrame}. */
    public synchronized long allocateFrame() {
        return takeRun(1);
    }

    /** Gives back a frame of {@link #allocateFrame}; a double or bad free fails the test. */
    public synchronized void freeFrame(long gfn) {
        if (gfn < allocation.reserved || gfn >= memory.nrFrames() || free.get((int) gfn) || userRefs.containsKey(gfn)) {
            throw new IllegalStateException("double or bad free of gfn 0x" + Long.toHexString(gfn));
        }
        free.set((int) gfn);
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
        int skips = allocation == Allocation.SCATTERED ? random.nextInt(Math.min(count, 64)) : 0;
        for (int skip = skips; skip > 0; skip--) {
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
