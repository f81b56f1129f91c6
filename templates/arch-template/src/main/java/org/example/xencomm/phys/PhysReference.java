package org.example.xencomm.phys;

import org.xencommlab.api.memory.MemoryReference;

/**
 * How the phys arch names guest memory: a guest-physical address with a tag that says who made it.
 *
 * <pre>
 *   bit 62 set: a kernel reference (KernelXencomm.kernelReference), any memory of the kernel;
 *   bit 61 set: a user reference, a byte of a tool's hypercall buffer (kernel pages mapped into it);
 *   bits 0..51: the guest-physical address.
 * </pre>
 * The hypervisor resolves both kinds alike (it cannot tell who wrote a word, since privcmd issues a
 * tool's call from kernel mode); the guest kernel's privcmd check ({@link PhysProcessState}) is
 * what keeps a tool from passing a kernel reference, or a user one outside its own buffers.
 * A buffer is physically contiguous, so {@code reference + k} names byte {@code k} of a slice.
 */
final class PhysReference {
    static final long KERNEL = 1L << 62;
    static final long USER = 1L << 61;
    /** Guest-physical addresses are below 2^52. */
    static final long PHYSICAL_LIMIT = 1L << 52;
    private static final long ADDRESS_MASK = PHYSICAL_LIMIT - 1;

    private PhysReference() {}

    static MemoryReference kernel(long physical) {
        return new MemoryReference(KERNEL | physical);
    }

    static MemoryReference user(long physical) {
        return new MemoryReference(USER | physical);
    }

    /** Whether {@code word} is tagged as exactly one of the two kinds, with nothing else above the address bits. */
    static boolean wellFormed(long word) {
        long tag = word & ~ADDRESS_MASK;
        return tag == KERNEL || tag == USER;
    }

    static boolean isKernel(long word) {
        return wellFormed(word) && (word & KERNEL) != 0;
    }

    static boolean isUser(long word) {
        return wellFormed(word) && (word & USER) != 0;
    }

    /** The guest-physical address of a well-formed reference. */
    static long physical(long word) {
        return word & ADDRESS_MASK;
    }
}
