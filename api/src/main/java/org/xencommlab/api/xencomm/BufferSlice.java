package org.xencommlab.api.xencomm;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.memory.MemoryReference;

/**
 * A piece of a hypercall buffer made by {@code alloc_mem}: where the tool writes it, and the
 * reference a hypercall argument carries to name it.
 *
 * @param userAddress the tool's virtual address of the first byte
 * @param length bytes in the piece
 * @param reference the memory reference naming the first byte (x86: the address itself; ppc:
 *     {@code bufid | offset}); linear in the offset: {@code reference + k} names byte {@code k}
 *     of the slice, for every {@code k < length} (see {@link HypercallBuffer#allocMem})
 */
public record BufferSlice(long userAddress, int length, MemoryReference reference) {
    public BufferSlice {
        requireNonNull(reference, "reference is null");
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
    }
}
