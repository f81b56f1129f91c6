package org.xencommlab.guest.memory;

/**
 * What the kernel heap needs from the kernel: frames for kernel memory (taken from the frame
 * allocator, after reclaiming user pages if memory is short) and the direct map to map them in.
 */
public interface KernelFrames {
    /** One frame for kernel memory, or -1 when none can be found. */
    long allocateFrame();

    /** {@code count} physically contiguous frames for kernel memory (first frame), or -1. */
    long allocateRun(int count);

    void freeFrame(long gfn);

    void freeRun(long first, int count);

    /** Maps a kernel frame into the direct map; false if a page table could not be made. */
    boolean map(long gfn);

    /** Removes a kernel frame from the direct map. */
    void unmap(long gfn);

    /** The kernel virtual address of guest-physical {@code physical}. */
    long kernelAddressOf(long physical);
}
