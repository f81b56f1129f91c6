package org.xencommlab.api.abi.dmop;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A dm_op as the hypervisor sees it: the target domain and bounded, index-and-offset access to the
 * buffers, as Xen's {@code COPY_FROM_GUEST_BUF_OFFSET} gives it.
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees that
 * the buffer list was copied once (pointer form) or the block was copied once and validated
 * (embedded form), that every access is checked against the buffer's size (EFAULT beyond it, as
 * in Xen), and that nothing but {@link org.xencommlab.api.errno.XenException} is thrown.
 *
 * <pre>{@code
 * DmOpArguments dm = strategy.decode(DmOpArguments.KIND, context.guest(), args);      // E2BIG, EFAULT, EINVAL
 * Domain target = lookupRemote(dm.domid());                    // ESRCH, EPERM
 * ModifiedMemoryOp op = dm.readOp();                           // EFAULT, EOPNOTSUPP, EINVAL
 * if (dm.extentCapacity() < op.nrExtentsUnsigned()) return -EINVAL;
 * for (long rem = op.nrExtentsUnsigned(); rem > 0; rem--) {
 *     ModifiedMemoryExtent e = dm.readExtent((int) rem - 1);   // Xen walks from the end; EFAULT, EINVAL
 *     ... mark pages dirty; on preemption: dm.writeOp(new ModifiedMemoryOp((int) rem, done));
 *         return context.createContinuation(HypercallNumber.DM_OP, dm.continuationArgs());
 * }
 * dm.writeOp(new ModifiedMemoryOp(0, 0));
 * return 0;
 * }</pre>
 */
public interface DmOpArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<DmOpArguments> KIND = new ArgumentKind<>("dm_op", DmOpArguments.class);

    /** The target domain ({@code domid_t}). */
    int domid();

    /** Copies and checks the operation in buffer 0. */
    ModifiedMemoryOp readOp();

    /** How many extents buffer 1 has room for (its size / 16); 0 without a buffer 1. */
    long extentCapacity();

    /** Copies extent {@code index} of buffer 1 (EFAULT beyond the buffer or unreachable; EINVAL for a non-zero pad). */
    ModifiedMemoryExtent readExtent(long index);

    /** Copies the operation back to buffer 0 (EFAULT when unreachable). */
    void writeOp(ModifiedMemoryOp op);

    /** The argument words that continue this call (Xen re-issues the same ones). */
    long[] continuationArgs();
}
