package org.xencommlab.arch.ppc.registration;

import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * The ppc registration hypercall, {@code arch_0} ({@link HypercallNumber#ARCH_0}), with which a
 * guest kernel registers a buffer's frames with the hypervisor and removes the registration.
 *
 * <h2>Argument words</h2>
 * <pre>
 * REGISTER   (args[0] = 0): args[1] = inline reference (bit 63 | guest-physical address) of a kernel
 *                           array of nr_pages big-endian uint64 guest frame numbers, in buffer order
 *                           args[2] = nr_pages, 1..4096
 *            result: the bufid (non-negative), or
 *                    -EINVAL  nr_pages &lt; 1, or args[1] not an inline reference
 *                    -E2BIG   nr_pages above 4096 (16 MiB, what the offset field of a reference covers)
 *                    -EFAULT  the array cannot be read, or a frame is not RAM of the caller
 *                    -ENOSPC  the caller's table is full (max-registrations), or retired slots
 *                             have spent its whole index space
 *                    -ENOMEM  the caller's Xen heap quota refuses 64 + 8 * nr_pages bytes (plus
 *                             1024 when the registration needs a new leaf of the table)
 * UNREGISTER (args[0] = 1): args[1] = bufid
 *            result: 0, or -EINVAL (cannot be a bufid of the caller's table: inline flag,
 *                    generation 0, index beyond the table, offset bits set), or -ENOENT (stale,
 *                    never issued, or already unregistered; another domain's bufid names nothing
 *                    here unless the caller holds the same bufid itself)
 * other args[0]: -ENOSYS; in mode=descriptor (no table): -ENOSYS for every sub-op
 * </pre>
 * The hypervisor copies the frame array once into its own memory and registers that copy; a
 * failed call changes nothing.
 */
public final class RegistrationOp {
    /** The hypercall number. */
    public static final int HYPERCALL = HypercallNumber.ARCH_0;
    public static final int REGISTER = 0;
    public static final int UNREGISTER = 1;

    private RegistrationOp() {}
}
