package org.xencommlab.guest.kernel;

import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.memory.KernelFrames;
import org.xencommlab.guest.paging.KernelDirectMap;

/**
 * The kernel heap's view of frames: kernel memory mapped in the direct map. A single frame may
 * come from direct reclaim; a contiguous run comes only from free frames. Called by the heap with
 * the kernel's memory lock held.
 */
final class HeapFrames implements KernelFrames {
    private final PageReclaim reclaim;
    private final FrameAllocator frames;
    private final KernelDirectMap directMap;
    private final AddressSpaceLayout layout;

    HeapFrames(PageReclaim reclaim, FrameAllocator frames, KernelDirectMap directMap, AddressSpaceLayout layout) {
        this.reclaim = reclaim;
        this.frames = frames;
        this.directMap = directMap;
        this.layout = layout;
    }

    @Override
    public long allocateFrame() {
        return reclaim.allocateFrame(FrameUse.KERNEL);
    }

    @Override
    public long allocateRun(int count) {
        return frames.allocateRun(count, FrameUse.KERNEL);
    }

    @Override
    public void freeFrame(long gfn) {
        frames.free(gfn);
    }

    @Override
    public void freeRun(long first, int count) {
        frames.freeRun(first, count);
    }

    @Override
    public boolean map(long gfn) {
        return directMap.map(gfn);
    }

    @Override
    public void unmap(long gfn) {
        directMap.unmap(gfn);
    }

    @Override
    public long kernelAddressOf(long physical) {
        return layout.kernelAddressOf(physical);
    }
}
