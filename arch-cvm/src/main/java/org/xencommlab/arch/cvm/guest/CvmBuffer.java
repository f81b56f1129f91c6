package org.xencommlab.arch.cvm.guest;

import java.util.concurrent.atomic.AtomicBoolean;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * A tool's hypercall buffer on a cvm guest. A slice's reference is the tool's virtual address: the
 * kernel's privcmd turns it into a guest-physical address for each call (a bounce mapping, or for a
 * shared buffer the buffer's own frames). {@code shared} is the buffer's physically contiguous,
 * shared frames with {@code buffers=shared}, or null.
 */
final class CvmBuffer implements HypercallBuffer {
    private final CvmBufferApi owner;
    private final int nrPages;
    private final long userAddress;
    private final long capacity;
    private final KernelBlock shared;
    private final AtomicBoolean freed = new AtomicBoolean();
    private long used;

    CvmBuffer(CvmBufferApi owner, int nrPages, long userAddress, long capacity, KernelBlock shared) {
        this.owner = owner;
        this.nrPages = nrPages;
        this.userAddress = userAddress;
        this.capacity = capacity;
        this.shared = shared;
    }

    @Override
    public long id() {
        return userAddress;
    }

    @Override
    public int nrPages() {
        return nrPages;
    }

    @Override
    public long userAddress() {
        return userAddress;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    KernelBlock shared() {
        return shared;
    }

    /** The guest-physical address of user range {@code address..+length} if it lies in this shared buffer, else -1. */
    long sharedPhysical(long address, long length) {
        if (shared == null || freed.get() || address < userAddress || length < 0 || address - userAddress > capacity - length) {
            return -1;
        }
        return shared.physicalAddress() + (address - userAddress);
    }

    /** What one {@link #allocMem} can still hand out: slices start 8-byte aligned. */
    @Override
    public synchronized long remaining() {
        return Math.max(0, capacity - ((used + 7) & ~7L));
    }

    @Override
    public synchronized BufferSlice allocMem(int nbytes) {
        if (freed.get()) {
            throw new XenException(XenErrno.EINVAL, "alloc_mem on a freed buffer");
        }
        if (nbytes < 0) {
            throw new XenException(XenErrno.EINVAL, "alloc_mem of " + nbytes + " bytes");
        }
        long start = (used + 7) & ~7L;
        if (start + nbytes > capacity) {
            throw new XenException(XenErrno.ENOSPC, "alloc_mem of " + nbytes + " bytes; buffer 0x" + Long.toHexString(userAddress)
                    + " has " + Math.max(0, capacity - start) + " left");
        }
        used = start + nbytes;
        MemoryReference reference = nbytes == 0 ? MemoryReference.NULL : new MemoryReference(userAddress + start);
        return new BufferSlice(userAddress + start, nbytes, reference);
    }

    @Override
    public synchronized void reset() {
        used = 0;
    }

    boolean ownedBy(CvmBufferApi api) {
        return owner == api;
    }

    boolean markFreed() {
        return freed.compareAndSet(false, true);
    }
}
