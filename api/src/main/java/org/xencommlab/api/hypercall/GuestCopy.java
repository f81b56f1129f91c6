package org.xencommlab.api.hypercall;

import org.xencommlab.api.memory.MemoryReference;

/**
 * Xen's {@code copy_from_guest} and {@code copy_to_guest}: the only way a hypercall handler
 * moves bytes between hypervisor memory and guest memory named by a {@link MemoryReference}.
 *
 * <p>The hypervisor implements it once, on top of the active arch's
 * {@link org.xencommlab.api.xencomm.GuestHandleResolver} and the calling domain's
 * {@link org.xencommlab.api.xencomm.DomainArchState},
 * and guarantees:
 * <ul>
 *   <li>the result is the number of bytes <em>not</em> copied: 0 on success; on a fault the copy
 *       stops at the first unreachable byte, everything before it is copied, and the rest is
 *       reported; the handler turns a non-zero result into -EFAULT;</li>
 *   <li>it copies whole page pieces with bulk operations, never byte by byte;</li>
 *   <li>every read of guest memory passes through one place, with a scheduling point before each
 *       piece, so that a racing guest can run between any two reads;</li>
 *   <li>it never throws for guest input: a bad reference, offset or length is a fault;</li>
 *   <li>writes mark the guest pages dirty.</li>
 * </ul>
 *
 * <p>{@code offset} is Xen's {@code guest_handle_add_offset} in bytes: it selects a position
 * inside the memory the reference names, whatever the reference's encoding.
 */
public interface GuestCopy {
    /** Copies {@code length} bytes from guest memory at {@code ref + offset} into {@code dst}. */
    long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length);

    /** Copies {@code length} bytes of {@code src} to guest memory at {@code ref + offset}. */
    long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length);

    /**
     * Xen's {@code guest_handle_okay}: whether {@code length} bytes from {@code offset} of
     * {@code ref} form a range the active arch accepts as a whole (see
     * {@link org.xencommlab.api.xencomm.GuestHandleResolver#accessOk}). A handler that copies one
     * guest buffer in several copies asks first and returns -EFAULT on {@code false}, before any
     * byte moved. Reads no guest memory and never throws. The default (for test fakes) only refuses
     * negative values and an offset range that overflows.
     */
    default boolean accessOk(MemoryReference ref, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= Long.MAX_VALUE - length;
    }

    /**
     * Xen's {@code guest_handle_add_offset}: a reference naming the memory {@code bytes} after the
     * start of what {@code ref} names, for a continuation in Xen's encoding. The hypervisor's
     * implementation asks the arch's
     * calling domain's {@link org.xencommlab.api.xencomm.DomainArchState#advance}; this default, for a copy
     * whose references are plain addresses, adds.
     *
     * @throws org.xencommlab.api.errno.XenException when the arch cannot advance the reference
     */
    default MemoryReference advance(MemoryReference ref, long bytes) {
        return new MemoryReference(ref.value() + bytes);
    }
}
