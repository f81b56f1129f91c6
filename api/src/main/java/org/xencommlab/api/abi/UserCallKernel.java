package org.xencommlab.api.abi;

/**
 * What a guest kernel offers a strategy while it carries one hypercall a user tool issued through
 * privcmd's hypercall ioctl ({@link ArgumentStrategy#carryUserCall}): reading the calling
 * process's memory, and copying part of it into kernel memory that the hypervisor reaches by the
 * arch's native kernel references. The kernel's privcmd driver implements it, one instance per
 * call.
 *
 * <p>An implementation must guarantee that:
 * <ul>
 *   <li>every failure is a {@link org.xencommlab.api.errno.XenException} with the errno the tool
 *       will see (EFAULT for memory the process cannot read or write, ENOMEM when no kernel memory
 *       is left, E2BIG for a copy larger than the driver allows, ESRCH for a dead process), and a
 *       failed request leaves nothing allocated;</li>
 *   <li>each {@link KernelCopy} is physically contiguous kernel memory holding exactly the bytes
 *       copied (plus what the strategy or the hypervisor writes), named by
 *       {@link KernelCopy#reference()} and {@link KernelCopy#referenceAt} the arch's native way, and
 *       never swapped or moved;</li>
 *   <li>the driver frees every copy it made once the call is over (after the strategy's completion
 *       ran, or after a failure), whatever happened; a strategy never frees anything;</li>
 *   <li>bytes copied in and out are counted as kernel copies ({@code KERNEL_COPY_BYTES}).</li>
 * </ul>
 */
public interface UserCallKernel {
    /**
     * Reads {@code length} bytes of the calling process's memory at {@code userAddress} (the
     * kernel's {@code get_user}; pages are faulted in as for the process itself).
     *
     * @throws org.xencommlab.api.errno.XenException EFAULT when the range is not readable
     */
    void readUser(long userAddress, byte[] dst, int dstOffset, int length);

    /**
     * {@code kmalloc}s a block of {@code length} bytes and {@code copy_from_user}s the process's
     * bytes at {@code userAddress} into it.
     *
     * @throws org.xencommlab.api.errno.XenException ENOMEM, EFAULT, E2BIG as above; nothing is left allocated
     * @throws IllegalArgumentException for a length of 0 or less
     */
    KernelCopy copyFromUser(long userAddress, int length);

    /** Kernel memory holding a copy of a user range, placed for the hypervisor. */
    interface KernelCopy extends ArgumentPlacement.Placed {
        /** The user address the bytes came from. */
        long userAddress();

        /**
         * {@code copy_to_user}s the whole block back to {@link #userAddress()}, so the tool sees what
         * the hypervisor wrote.
         *
         * @throws org.xencommlab.api.errno.XenException EFAULT when the range is no longer writable
         */
        void copyToUser();
    }
}
