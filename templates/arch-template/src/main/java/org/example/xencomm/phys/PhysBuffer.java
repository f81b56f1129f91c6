package org.example.xencomm.phys;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * A hypercall buffer: physically contiguous kernel pages ({@code block}) mapped into the tool at
 * {@code userAddress}. Slices are 8-byte aligned and handed out in order; a slice's reference is
 * the user-tagged guest-physical address of its first byte. Thread-safe.
 */
final class PhysBuffer implements HypercallBuffer {
    private final long id;
    private final int nrPages;
    private final KernelBlock block;
    private final long userAddress;
    private int next;

    PhysBuffer(long id, int nrPages, KernelBlock block, long userAddress) {
        this.id = id;
        this.nrPages = nrPages;
        this.block = block;
        this.userAddress = userAddress;
    }

    KernelBlock block() {
        return block;
    }

    /** Whether {@code length} bytes at guest-physical {@code physical} lie inside this buffer. */
    boolean holds(long physical, long length) {
        long offset = physical - block.physicalAddress();
        return offset >= 0 && length >= 0 && offset <= block.length() - length;
    }

    /** The tool's address of guest-physical {@code physical}, which this buffer {@link #holds}. */
    long userAddressOf(long physical) {
        return userAddress + (physical - block.physicalAddress());
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
        return block.length();
    }

    @Override
    public synchronized long remaining() {
        return Math.max(0, block.length() - aligned(next));
    }

    @Override
    public synchronized BufferSlice allocMem(int nbytes) {
        if (nbytes < 0) {
            throw new XenException(XenErrno.EINVAL, "a slice of " + nbytes + " bytes");
        }
        if (nbytes > remaining()) {
            throw new XenException(XenErrno.ENOSPC, nbytes + " bytes asked, " + remaining() + " left in buffer " + id);
        }
        int offset = aligned(next);
        next = offset + nbytes;
        return new BufferSlice(userAddress + offset, nbytes, PhysReference.user(block.physicalAddress() + offset));
    }

    @Override
    public synchronized void reset() {
        next = 0;
    }

    private static int aligned(int offset) {
        return (offset + 7) & ~7;
    }
}
