package org.xencommlab.guest.kernel;

import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.KernelHeap;
import org.xencommlab.guest.paging.KernelDirectMap;
import org.xencommlab.guest.paging.PageTables;

/**
 * The kernel half of one guest kernel's memory: the direct map (the kernel's root table, whose
 * root entries every process's root table copies, and the tables below it), the kernel heap on
 * top of it ({@code kmalloc} and contiguous blocks; a single frame may come from direct reclaim,
 * see {@link HeapFrames}), and the count of page-table frames the kernel half holds. It owns the
 * heap and that count; the frames come from the kernel's {@link PageReclaim}.
 *
 * <p>Locking: its state is guarded by the kernel's memory lock ({@link PageReclaim#lock()}): the
 * heap calls and the reads take it themselves; {@link #newProcessRoot} requires the caller to
 * hold it. It never calls the hypervisor or the scheduler.
 */
final class KernelHalf {
    private final Object lock;
    private final PageReclaim reclaim;
    private final KernelDirectMap directMap;
    private final KernelHeap heap;
    private long tableFrames;

    /**
     * Builds the kernel's root table and the direct map's upper tables (see {@link KernelDirectMap}).
     *
     * @param maxPages frames the domain may ever hold: the direct map covers them all
     * @throws org.xencommlab.api.errno.XenException ENOMEM if the boot tables do not fit
     */
    KernelHalf(PageReclaim reclaim, FrameAllocator frames, PageTables tables, AddressSpaceLayout layout,
            GuestPhysicalMemory memory, long maxPages) {
        this.reclaim = reclaim;
        this.lock = reclaim.lock();
        this.directMap = new KernelDirectMap(tables, memory.pageSize(), layout, maxPages, this::newTable);
        this.heap = new KernelHeap(new HeapFrames(reclaim, frames, directMap, layout), memory, memory.pageSize());
    }

    /** The direct map; its methods require the memory lock. */
    KernelDirectMap directMap() {
        return directMap;
    }

    KernelBlock kmalloc(int length) {
        synchronized (lock) {
            return heap.kmalloc(length);
        }
    }

    void kfree(KernelBlock block) {
        synchronized (lock) {
            heap.kfree(block);
        }
    }

    KernelBlock allocateContiguous(int nrPages) {
        synchronized (lock) {
            return heap.allocateContiguous(nrPages);
        }
    }

    void freeContiguous(KernelBlock block) {
        synchronized (lock) {
            heap.freeContiguous(block);
        }
    }

    /** Blocks from kmalloc and contiguous reservations not yet freed. */
    int liveBlocks() {
        synchronized (lock) {
            return heap.liveBlocks();
        }
    }

    /** Page-table frames of the kernel half (its root and the direct map's tables). */
    long tableFrames() {
        synchronized (lock) {
            return tableFrames;
        }
    }

    /**
     * A zeroed root table for a new process, holding the kernel's root entries; -1 if no frame can
     * be found. The caller holds the lock, and the process's address space owns the frame.
     */
    long newProcessRoot() {
        long root = reclaim.newTable();
        if (root >= 0) {
            directMap.copyKernelEntriesInto(root);
        }
        return root;
    }

    /** A zeroed page-table frame for the kernel half, charged to it; -1 if none. */
    private long newTable() {
        long gfn = reclaim.newTable();
        if (gfn >= 0) {
            tableFrames++;
        }
        return gfn;
    }
}
