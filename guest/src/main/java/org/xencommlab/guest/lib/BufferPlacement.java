package org.xencommlab.guest.lib;

import java.util.Objects;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * Hypercall-buffer memory from a tool ({@link org.xencommlab.api.abi.ToolArgumentMemory#HYPERCALL_BUFFER}): each piece is a slice of the tool's hypercall buffer
 * ({@code alloc_mem}), written with user stores and named by the slice's reference, which the arch
 * made (an address on x86, {@code bufid | offset} on ppc). Every arch's slice reference is linear
 * in the offset inside the slice, so {@link Placed#referenceAt} adds the offset.
 */
final class BufferPlacement implements ArgumentPlacement {
    private final XcHandle xc;
    private final HypercallBuffer buffer;

    BufferPlacement(XcHandle xc, HypercallBuffer buffer) {
        this.xc = xc;
        this.buffer = buffer;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        BufferSlice slice = xc.allocMem(buffer, length);
        xc.process().writeMemory(slice.userAddress(), src, srcOffset, length);
        return new Placed() {
            @Override
            public MemoryReference reference() {
                return slice.reference();
            }

            @Override
            public MemoryReference referenceAt(int offset) {
                Objects.checkIndex(offset, Math.max(1, length));
                return new MemoryReference(slice.reference().value() + offset);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int offset, byte[] bytes, int bytesOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                xc.process().writeMemory(slice.userAddress() + offset, bytes, bytesOffset, n);
            }

            @Override
            public void read(int offset, byte[] dst, int dstOffset, int n) {
                Objects.checkFromIndexSize(offset, n, length);
                xc.process().readMemory(slice.userAddress() + offset, dst, dstOffset, n);
            }
        };
    }
}
