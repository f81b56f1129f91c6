package org.xencommlab.guest.lib;

import java.util.Objects;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;

/**
 * Argument memory in a tool's ordinary memory (not locked, not registered), for a strategy that
 * asks for it ({@link org.xencommlab.api.abi.ToolArgumentMemory#ORDINARY_MEMORY}): pieces are
 * written with user stores at 8-byte aligned offsets of one mapping and named by their user
 * addresses; the strategy's kernel side moves them through kernel memory during the call. A piece
 * that does not fit is ENOSPC (the mapping is sized from the strategy's size query).
 */
final class UserMemoryPlacement implements ArgumentPlacement {
    private final UserProcessServices process;
    private final long address;
    private final long capacity;
    private long used;

    UserMemoryPlacement(UserProcessServices process, long address, long capacity) {
        this.process = process;
        this.address = address;
        this.capacity = capacity;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        long start = PlacementSize.align(used);
        if (start + length > capacity) {
            throw new XenException(XenErrno.ENOSPC, length + " bytes do not fit in " + capacity + " bytes of memory with " + used + " used");
        }
        long at = address + start;
        process.writeMemory(at, src, srcOffset, length);
        used = start + length;
        return new Placed() {
            @Override
            public MemoryReference reference() {
                return new MemoryReference(at);
            }

            @Override
            public MemoryReference referenceAt(int offset) {
                Objects.checkIndex(offset, Math.max(1, length));
                return new MemoryReference(at + offset);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int offset, byte[] bytes, int bytesOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                process.writeMemory(at + offset, bytes, bytesOffset, n);
            }

            @Override
            public void read(int offset, byte[] dst, int dstOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                process.readMemory(at + offset, dst, dstOffset, n);
            }
        };
    }
}
