package org.xencommlab.guest.lib;

import java.util.Objects;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The embedded form from a tool: the one block of a call is written with user stores into the
 * tool's ordinary memory (not locked, not registered) and named by its user address; privcmd's
 * embedded ioctl copies it into kernel memory and replaces that address with a kernel reference
 * before the hypervisor sees it. A second piece is a strategy bug.
 */
final class UserBlockPlacement implements ArgumentPlacement {
    private final UserProcessServices process;
    private final long address;
    private final long capacity;
    private int placedLength = -1;

    UserBlockPlacement(UserProcessServices process, long address, long capacity) {
        this.process = process;
        this.address = address;
        this.capacity = capacity;
    }

    /** The block's address. */
    long address() {
        return address;
    }

    /** The block's length, or -1 if nothing was placed. */
    int placedLength() {
        return placedLength;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        if (placedLength >= 0) {
            throw new IllegalStateException("the embedded form places one block per hypercall");
        }
        if (length > capacity) {
            throw new XenException(XenErrno.ENOSPC, "a block of " + length + " bytes in " + capacity + " bytes of memory");
        }
        process.writeMemory(address, src, srcOffset, length);
        placedLength = length;
        return new Placed() {
            @Override
            public MemoryReference reference() {
                return new MemoryReference(address);
            }

            @Override
            public MemoryReference referenceAt(int offset) {
                Objects.checkIndex(offset, Math.max(1, length));
                return new MemoryReference(address + offset);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int offset, byte[] bytes, int bytesOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                process.writeMemory(address + offset, bytes, bytesOffset, n);
            }

            @Override
            public void read(int offset, byte[] dst, int dstOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                process.readMemory(address + offset, dst, dstOffset, n);
            }
        };
    }
}
