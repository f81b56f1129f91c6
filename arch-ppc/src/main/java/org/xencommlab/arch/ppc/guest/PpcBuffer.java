package org.xencommlab.arch.ppc.guest;

import java.util.concurrent.atomic.AtomicBoolean;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * A ppc hypercall buffer: a bump allocator over the buffer's bytes (the mail's "some allocator
 * code"), 8-byte aligned slices, and the arch's reference for a byte offset. {@code alloc_mem}
 * beyond the buffer is ENOSPC: its size had to be known when it was made (Problem #3).
 */
abstract class PpcBuffer implements HypercallBuffer {
    private final Object owner;
    private final int nrPages;
    private final long userAddress;
    private final long capacity;
    private final AtomicBoolean freed = new AtomicBoolean();
    private long used;

    PpcBuffer(Object owner, int nrPages, long userAddress, long capacity) {
        this.owner = owner;
        this.nrPages = nrPages;
        this.userAddress = userAddress;
        this.capacity = capacity;
    }

    /** The reference naming byte {@code offset} of the buffer. */
    abstract long referenceAt(long offset);

    @Override
    public long id() {
        return referenceAt(0);
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

    /** What {@link #allocMem} can still hand out in one slice: the bytes after the next 8-byte boundary. */
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
            throw new XenException(XenErrno.ENOSPC,
                    "alloc_mem of " + nbytes + " bytes; buffer 0x" + Long.toHexString(id()) + " has " + Math.max(0, capacity - start) + " left");
        }
        used = start + nbytes;
        // An empty slice names nothing; its offset may be one past the buffer, which no reference holds.
        MemoryReference reference = nbytes == 0 ? MemoryReference.NULL : new MemoryReference(referenceAt(start));
        return new BufferSlice(userAddress + start, nbytes, reference);
    }

    @Override
    public synchronized void reset() {
        used = 0;
    }

    boolean ownedBy(Object api) {
        return owner == api;
    }

    /** Marks the buffer freed; false if it already was. */
    boolean markFreed() {
        return freed.compareAndSet(false, true);
    }

    boolean isFreed() {
        return freed.get();
    }
}
