package org.xencommlab.hypervisor;

import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;

/**
 * A test {@link ArgumentPlacement} over a window of a domain's guest-physical memory: pieces are
 * placed one after the other from {@code base}, 8-byte aligned, and named by their guest-physical
 * address, which is what {@link TestingGuestHandleResolver} takes a reference to be. Bytes really
 * go into guest memory (page piece by page piece); {@link #reset()} starts over (the caller
 * releases every placement at once after a hypercall).
 */
public final class TestingPlacement implements ArgumentPlacement {
    private final GuestPhysicalMemory memory;
    private final long base;
    private final long limit;
    private long next;

    /** Places into guest-physical {@code [base, base + size)} of {@code memory}. */
    public TestingPlacement(GuestPhysicalMemory memory, long base, long size) {
        this.memory = memory;
        this.base = base;
        this.limit = base + size;
        this.next = base;
    }

    /** Forgets every placement. */
    public void reset() {
        next = base;
    }

    /** Bytes placed since the last reset. */
    public long used() {
        return next - base;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        long at = (next + 7) & ~7L;
        if (length < 0 || at + length > limit) {
            throw new XenException(XenErrno.ENOSPC, "testing placement full");
        }
        next = at + length;
        Piece piece = new Piece(at, length);
        piece.write(0, src, srcOffset, length);
        return piece;
    }

    /** Writes {@code length} bytes at guest-physical {@code address}, page piece by page piece. */
    public static void write(GuestPhysicalMemory memory, long address, byte[] src, int srcOffset, int length) {
        int page = memory.pageSize().bytes();
        int done = 0;
        while (done < length) {
            int n = Math.min(length - done, page - (int) ((address + done) % page));
            memory.write(address + done, src, srcOffset + done, n);
            done += n;
        }
    }

    /** Reads {@code length} bytes at guest-physical {@code address}, page piece by page piece. */
    public static void read(GuestPhysicalMemory memory, long address, byte[] dst, int dstOffset, int length) {
        int page = memory.pageSize().bytes();
        int done = 0;
        while (done < length) {
            int n = Math.min(length - done, page - (int) ((address + done) % page));
            memory.read(address + done, dst, dstOffset + done, n);
            done += n;
        }
    }

    private final class Piece implements Placed {
        private final long address;
        private final int length;

        Piece(long address, int length) {
            this.address = address;
            this.length = length;
        }

        @Override
        public MemoryReference reference() {
            return new MemoryReference(address);
        }

        @Override
        public MemoryReference referenceAt(int offset) {
            return new MemoryReference(address + offset);
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void write(int offset, byte[] src, int srcOffset, int n) {
            TestingPlacement.write(memory, address + offset, src, srcOffset, n);
        }

        @Override
        public void read(int offset, byte[] dst, int dstOffset, int n) {
            TestingPlacement.read(memory, address + offset, dst, dstOffset, n);
        }
    }
}
