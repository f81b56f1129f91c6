package org.xencommlab.api.abi;

import org.xencommlab.api.memory.MemoryReference;

/**
 * Where a guest caller puts a hypercall's argument memory. The guest implements it per call site,
 * never per strategy: a user tool with the room the strategy asks for
 * ({@link ArgumentStrategy#toolArgumentMemory}: slices of its hypercall buffers through the arch's
 * {@code alloc_mem}, which the hypervisor reaches as they are, or its ordinary memory, which the
 * strategy's kernel part moves into kernel memory during the call), the kernel with a physically
 * contiguous arena passed the arch's native way (every kernel-issued call).
 *
 * <p>An implementation must guarantee that each {@link Placed} stays reachable by the hypervisor
 * and holds exactly the bytes placed (plus what the hypervisor or {@link Placed#write} writes)
 * until the caller releases the placement after the hypercall returned; that placements never
 * overlap; and that a failure is a {@link org.xencommlab.api.errno.XenException} with the errno
 * the caller would see (ENOSPC when a buffer is full, ENOMEM, E2BIG above its maximum size).
 * Releasing is the caller's business; a strategy never frees anything.
 *
 * <p>The pointer strategy places each structure and array separately; the embedded strategy places
 * exactly one block per hypercall (a multicall's sub-call blocks are inside that one placement).
 */
public interface ArgumentPlacement {
    /** Copies {@code length} bytes of {@code src} into reachable memory and names them. */
    Placed place(byte[] src, int srcOffset, int length);

    /** Places all of {@code src}. */
    default Placed place(byte[] src) {
        return place(src, 0, src.length);
    }

    /** One piece of placed memory. */
    interface Placed {
        /** The reference naming the first byte, as a hypercall argument or a handle field carries it. */
        MemoryReference reference();

        /**
         * A reference naming byte {@code offset} of this piece and what follows it (the embedded
         * multicall names each sub-call's block inside its own block this way).
         */
        MemoryReference referenceAt(int offset);

        /** Bytes placed. */
        int length();

        /** Overwrites placed bytes from {@code offset} (before the hypercall is issued). */
        void write(int offset, byte[] src, int srcOffset, int length);

        /** Reads placed bytes from {@code offset} (after the hypercall returned). */
        void read(int offset, byte[] dst, int dstOffset, int length);
    }
}
