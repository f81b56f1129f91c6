package org.xencommlab.api.abi;

import org.xencommlab.api.metrics.Counter;

/**
 * The argument pages of the vCPU a call runs on: an input page and an output page that the kernel
 * set up for that vCPU once and keeps for its whole life, made reachable by the hypervisor the
 * arch's way for kernel memory ({@link org.xencommlab.api.xencomm.KernelXencomm#kernelReference}),
 * so that nothing has to be allocated, locked, registered or converted per call. A strategy that
 * carries its arguments in such pages asks for them from the room it is given: a placement or a
 * {@link UserCallKernel} that is also a {@link Holder} lends them; any other has none.
 *
 * <p>The pages of one vCPU are one physically contiguous kernel block: the input page first, the
 * output page right after it, so byte {@code i} of the output page is {@link #pageBytes()} bytes
 * after byte {@code i} of the input page, and the hypervisor reaches it by advancing a reference
 * to the input page by that much ({@link org.xencommlab.api.hypercall.GuestCopy#advance}).
 *
 * <p>A vCPU's pages serve one call at a time, continuations included: they are busy from
 * {@link #acquire} until the {@link Lease} is closed. The kernel serialises the calls of one vCPU
 * on them. An implementation must guarantee that:
 * <ul>
 *   <li>a lease's two pages belong to no one else while it is open, and keep their bytes between
 *       the caller's stores and loads (the hypervisor writes what it writes);</li>
 *   <li>a caller that finds its vCPU's pages busy waits for them and the wait is counted once on
 *       the counter it gave; where waiting cannot end (the holder is suspended under the caller on
 *       the same vCPU, as an interrupt would be), the kernel serves the caller from the vCPU's one
 *       backup pair, as Linux's SEV-ES code does with its backup GHCB, still counting the wait;
 *       when that is busy too, {@link #acquire} fails with EBUSY and nothing is taken;</li>
 *   <li>pages are allocated at most once per vCPU and pair, never per call, and never freed while
 *       the kernel runs;</li>
 *   <li>closing a lease is idempotent, and the {@link Holder} that lent it closes it itself when
 *       the call is over, whatever happened, so a failed call never leaves a page busy;</li>
 *   <li>failures are {@link org.xencommlab.api.errno.XenException}s: EBUSY as above, ENOMEM when
 *       the kernel has no memory for a vCPU's pages the first time it needs them.</li>
 * </ul>
 */
public interface VcpuArgumentPages {
    /** Bytes in each of the two pages (the arch's page size). */
    int pageBytes();

    /** The vCPU these pages belong to. */
    int vcpu();

    /**
     * Takes this vCPU's pages for one call, waiting while another call holds them.
     *
     * @param waits the counter to add 1 to when the call had to wait
     * @throws org.xencommlab.api.errno.XenException EBUSY when neither the vCPU's pages nor its
     *     backup pair are free and waiting cannot end; ENOMEM as above. Nothing is taken.
     */
    Lease acquire(Counter waits);

    /** Room that can lend the per-vCPU pages of the vCPU its call runs on. */
    interface Holder {
        /** The pages of the vCPU this call runs on; empty when this room has none to lend. */
        java.util.Optional<VcpuArgumentPages> vcpuArgumentPages();
    }

    /** One call's hold on a vCPU's pages. */
    interface Lease extends AutoCloseable {
        /** The whole input page: what the caller stores, the hypervisor reads. */
        ArgumentPlacement.Placed input();

        /** The whole output page: what the hypervisor writes, the caller loads. */
        ArgumentPlacement.Placed output();

        /** Whether the pages are the vCPU's backup pair (the primary pair was busy). */
        boolean backup();

        /**
         * {@code copy_from_user}: {@code length} bytes of the calling process's memory at
         * {@code userAddress} into the input page at {@code offset}; counted as kernel copy bytes.
         *
         * @throws org.xencommlab.api.errno.XenException EFAULT when the range is not readable
         * @throws IllegalStateException for a lease not taken for a user's call (a kernel-issued
         *     call has no user memory)
         */
        void copyFromUser(long userAddress, int offset, int length);

        /**
         * {@code copy_to_user}: {@code length} bytes of the output page at {@code offset} to the
         * calling process's memory at {@code userAddress}; counted as kernel copy bytes.
         *
         * @throws org.xencommlab.api.errno.XenException EFAULT when the range is not writable
         * @throws IllegalStateException as {@link #copyFromUser}
         */
        void copyToUser(int offset, long userAddress, int length);

        /** Frees the pages for the vCPU's next call; later calls do nothing. */
        @Override
        void close();
    }
}
