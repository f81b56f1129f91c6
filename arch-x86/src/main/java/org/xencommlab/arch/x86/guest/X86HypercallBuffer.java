package org.xencommlab.arch.x86.guest;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * One x86 hypercall buffer: a range of the tool's virtual memory, kept reachable by its API
 * (mlock or a device mapping). {@code alloc_mem} is a bump allocator of 8-byte aligned slices whose
 * references are their user virtual addresses: on x86 a memory reference is the address itself.
 */
final class X86HypercallBuffer implements HypercallBuffer {
    static final int SLICE_ALIGNMENT = 8;

    private final UserProcessServices process;
    private final long id;
    private final int nrPages;
    private final long userAddress;
    private final long capacity;
    private long used;
    private boolean released;

    X86HypercallBuffer(UserProcessServices process, long id, int nrPages, long userAddress, long capacity) {
        this.process = process;
        this.id = id;
        this.nrPages = nrPages;
        this.userAddress = userAddress;
        this.capacity = capacity;
    }

    @Override
    public long id() {
        return id;
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

    @Override
    public synchronized long remaining() {
        return Math.max(0, capacity - alignUp(used));
    }

    /**
     * {@inheritDoc}
     *
     * @throws XenException EINVAL for a negative size or a buffer already freed; ENOSPC when the
     *     buffer has not {@code nbytes} left (not counted here: the caller that sees it counts it,
     *     as {@link HypercallBuffer#allocMem} says)
     */
    @Override
    public synchronized BufferSlice allocMem(int nbytes) {
        if (released) {
            throw new XenException(XenErrno.EINVAL, "alloc_mem on freed buffer " + id);
        }
        if (nbytes < 0) {
            throw new XenException(XenErrno.EINVAL, "alloc_mem of negative size " + nbytes);
        }
        long start = alignUp(used);
        if (start + nbytes > capacity) {
            process.kernel().trace().event(TraceKind.LIBRARY, process.kernel().domid(), () -> "pid " + process.pid()
                    + " alloc_mem(" + id + ", " + nbytes + ") -ENOSPC: " + remaining() + " of " + capacity + " bytes left");
            throw new XenException(XenErrno.ENOSPC, "buffer " + id + " has " + remaining() + " bytes left, " + nbytes + " asked");
        }
        used = start + nbytes;
        long address = userAddress + start;
        return new BufferSlice(address, nbytes, new MemoryReference(address));
    }

    @Override
    public synchronized void reset() {
        if (released) {
            throw new XenException(XenErrno.EINVAL, "reset of freed buffer " + id);
        }
        used = 0;
    }

    synchronized void markReleased() {
        released = true;
    }

    synchronized boolean isReleased() {
        return released;
    }

    private static long alignUp(long offset) {
        return (offset + SLICE_ALIGNMENT - 1) & -SLICE_ALIGNMENT;
    }

    @Override
    public String toString() {
        return "x86 buffer " + id + " at 0x" + Long.toHexString(userAddress) + " (" + capacity + " bytes)";
    }
}
