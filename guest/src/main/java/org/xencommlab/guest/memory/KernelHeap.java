package org.xencommlab.guest.memory;

import static java.util.Objects.requireNonNull;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/**
 * The kernel heap: {@code kmalloc}/{@code kfree} and page-granular contiguous reservations.
 * Every block is physically contiguous, zeroed, mapped in the kernel's direct map, and never
 * swapped or migrated (its frames are kernel frames, which the swapper and compaction never
 * touch).
 *
 * <p>Small blocks (up to half a page) are packed into slab pages of power-of-two size classes
 * from 16 bytes, lowest slab and lowest free object first; a slab page goes back to the frame
 * allocator when its last object is freed. Larger blocks, and {@link #allocateContiguous}, take
 * the lowest run of whole free frames. Freeing a block that this heap did not hand out, or
 * through the wrong call, is EINVAL and changes nothing. Not thread-safe: the kernel calls it
 * under its lock.
 */
public final class KernelHeap {
    private static final int MIN_OBJECT = 16;

    private final KernelFrames frames;
    private final GuestPhysicalMemory memory;
    private final PageSize pageSize;
    private final int maxSlabObject;
    /** Per size class: slabs with a free object, by frame number (lowest first). */
    private final TreeMap<Long, Slab>[] partialSlabs;
    private final Map<Long, Slab> slabsByFrame = new HashMap<>();
    /** Live blocks by guest-physical address. */
    private final Map<Long, Allocation> live = new HashMap<>();
    private long bytesLive;

    @SuppressWarnings("unchecked")
    public KernelHeap(KernelFrames frames, GuestPhysicalMemory memory, PageSize pageSize) {
        this.frames = requireNonNull(frames, "frames is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.maxSlabObject = pageSize.bytes() / 2;
        int classes = Integer.numberOfTrailingZeros(maxSlabObject) - Integer.numberOfTrailingZeros(MIN_OBJECT) + 1;
        this.partialSlabs = new TreeMap[classes];
        for (int i = 0; i < classes; i++) {
            partialSlabs[i] = new TreeMap<>();
        }
    }

    /** {@code kzalloc(length)}: physically contiguous, zeroed. */
    public KernelBlock kmalloc(int length) {
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "kmalloc of " + length + " bytes");
        }
        if (length <= maxSlabObject) {
            return slabAllocate(length);
        }
        return pagesAllocate((int) pageSize.pagesFor(length), length, Kind.KMALLOC_PAGES);
    }

    /** Frees a block from {@link #kmalloc}. */
    public void kfree(KernelBlock block) {
        Allocation allocation = lookup(block, "kfree");
        if (allocation.kind == Kind.CONTIGUOUS) {
            throw new XenException(XenErrno.EINVAL, "kfree of a contiguous reservation at 0x" + Long.toHexString(block.physicalAddress()));
        }
        live.remove(block.physicalAddress());
        bytesLive -= allocation.block.length();
        if (allocation.kind == Kind.SLAB) {
            slabFree(allocation);
        } else {
            pagesFree(allocation);
        }
    }

    /** {@code nrPages} zeroed, page-aligned, physically contiguous frames. */
    public KernelBlock allocateContiguous(int nrPages) {
        if (nrPages <= 0) {
            throw new XenException(XenErrno.EINVAL, "contiguous allocation of " + nrPages + " pages");
        }
        if ((long) nrPages * pageSize.bytes() > Integer.MAX_VALUE) {
            throw new XenException(XenErrno.ENOMEM, "contiguous allocation of " + nrPages + " pages is too large");
        }
        return pagesAllocate(nrPages, nrPages * pageSize.bytes(), Kind.CONTIGUOUS);
    }

    /** Frees a block from {@link #allocateContiguous}. */
    public void freeContiguous(KernelBlock block) {
        Allocation allocation = lookup(block, "freeContiguous");
        if (allocation.kind != Kind.CONTIGUOUS) {
            throw new XenException(XenErrno.EINVAL, "freeContiguous of a kmalloc block at 0x" + Long.toHexString(block.physicalAddress()));
        }
        live.remove(block.physicalAddress());
        bytesLive -= allocation.block.length();
        pagesFree(allocation);
    }

    /** Blocks handed out and not freed. */
    public int liveBlocks() {
        return live.size();
    }

    /** Bytes requested by live blocks. */
    public long liveBytes() {
        return bytesLive;
    }

    /** Slab pages held now. */
    public int slabPages() {
        return slabsByFrame.size();
    }

    private Allocation lookup(KernelBlock block, String call) {
        requireNonNull(block, "block is null");
        Allocation allocation = live.get(block.physicalAddress());
        if (allocation == null || !allocation.block.equals(block)) {
            throw new XenException(XenErrno.EINVAL, call + " of a block this heap did not hand out: " + block);
        }
        return allocation;
    }

    private KernelBlock slabAllocate(int length) {
        int objectSize = Math.max(MIN_OBJECT, Integer.highestOneBit(length - 1) << 1);
        if (length <= MIN_OBJECT) {
            objectSize = MIN_OBJECT;
        }
        int sizeClass = Integer.numberOfTrailingZeros(objectSize) - Integer.numberOfTrailingZeros(MIN_OBJECT);
        TreeMap<Long, Slab> partial = partialSlabs[sizeClass];
        Slab slab;
        if (partial.isEmpty()) {
            long gfn = frames.allocateFrame();
            if (gfn < 0) {
                throw new XenException(XenErrno.ENOMEM, "no frame for a " + objectSize + "-byte slab");
            }
            if (!frames.map(gfn)) {
                frames.freeFrame(gfn);
                throw new XenException(XenErrno.ENOMEM, "no page table to map a slab");
            }
            slab = new Slab(gfn, objectSize, pageSize.bytes() / objectSize);
            slabsByFrame.put(gfn, slab);
            partial.put(gfn, slab);
        } else {
            slab = partial.firstEntry().getValue();
        }
        int index = slab.used.nextClearBit(0);
        slab.used.set(index);
        slab.usedCount++;
        if (slab.usedCount == slab.capacity) {
            partial.remove(slab.gfn);
        }
        long physical = pageSize.addressOf(slab.gfn) + (long) index * objectSize;
        memory.zero(physical, length);
        KernelBlock block = new KernelBlock(frames.kernelAddressOf(physical), physical, length);
        live.put(physical, new Allocation(block, Kind.SLAB, 0));
        bytesLive += length;
        return block;
    }

    private void slabFree(Allocation allocation) {
        long physical = allocation.block.physicalAddress();
        Slab slab = slabsByFrame.get(pageSize.pageOf(physical));
        int index = pageSize.offsetIn(physical) / slab.objectSize;
        int sizeClass = Integer.numberOfTrailingZeros(slab.objectSize) - Integer.numberOfTrailingZeros(MIN_OBJECT);
        slab.used.clear(index);
        slab.usedCount--;
        if (slab.usedCount == 0) {
            partialSlabs[sizeClass].remove(slab.gfn);
            slabsByFrame.remove(slab.gfn);
            frames.unmap(slab.gfn);
            frames.freeFrame(slab.gfn);
        } else {
            partialSlabs[sizeClass].put(slab.gfn, slab);
        }
    }

    private KernelBlock pagesAllocate(int nrPages, int length, Kind kind) {
        long first = frames.allocateRun(nrPages);
        if (first < 0) {
            throw new XenException(XenErrno.ENOMEM, "no run of " + nrPages + " free frames");
        }
        for (int i = 0; i < nrPages; i++) {
            if (!frames.map(first + i)) {
                for (int j = 0; j < i; j++) {
                    frames.unmap(first + j);
                }
                frames.freeRun(first, nrPages);
                throw new XenException(XenErrno.ENOMEM, "no page table to map kernel memory");
            }
            memory.zero(pageSize.addressOf(first + i), pageSize.bytes());
        }
        long physical = pageSize.addressOf(first);
        KernelBlock block = new KernelBlock(frames.kernelAddressOf(physical), physical, length);
        live.put(physical, new Allocation(block, kind, nrPages));
        bytesLive += length;
        return block;
    }

    private void pagesFree(Allocation allocation) {
        long first = pageSize.pageOf(allocation.block.physicalAddress());
        for (int i = 0; i < allocation.nrPages; i++) {
            frames.unmap(first + i);
        }
        frames.freeRun(first, allocation.nrPages);
    }

    private enum Kind {
        SLAB,
        KMALLOC_PAGES,
        CONTIGUOUS
    }

    private record Allocation(KernelBlock block, Kind kind, int nrPages) {}

    private static final class Slab {
        final long gfn;
        final int objectSize;
        final int capacity;
        final BitSet used;
        int usedCount;

        Slab(long gfn, int objectSize, int capacity) {
            this.gfn = gfn;
            this.objectSize = objectSize;
            this.capacity = capacity;
            this.used = new BitSet(capacity);
        }
    }
}
