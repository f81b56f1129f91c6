package org.xencommlab.hypervisor.handlers;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Arrays;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.dmop.DmOp;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;

/**
 * {@code dm_op(domid, nr_bufs, bufs)} (xen/common/dm.c {@code do_dm_op}, xen/arch/x86/hvm/dm.c
 * {@code dm_op} and {@code modified_memory}), operation
 * {@code XEN_DMOP_modified_memory}: a device model tells the hypervisor which pages of its target
 * domain it wrote, so that they are marked dirty in the target's dirty log (for live migration).
 * The operation structure holds no handle; its buffers are listed at the top level, and the
 * hypervisor reaches them by (index, offset) with bounds checks.
 *
 * <p>The arguments are decoded only through the run's {@link ArgumentStrategy}: in the pointer
 * form {@code bufs} names an array of {@code nr_bufs} {@code (handle, size)} pairs, buffer 0 the
 * operation and buffer 1 the extents; in the embedded form {@code nr_bufs} is 1 and {@code bufs}
 * names one block holding the operation and its extents.
 *
 * <p>Extents are done as Xen does them: from the last one ({@code nr_extents - 1}) down, each
 * {@code (first_pfn, nr)} a run of guest frames of the target; its populated frames are marked
 * dirty (a frame that is not RAM now is skipped, as Xen skips a pfn without a page). The result is
 * 0, and nothing is copied back: {@code dm_op} sets {@code const_op = !rc} after
 * {@code modified_memory}, so buffer 0 is written only when the call is preempted (with the
 * progress) and is left as the guest wrote it on success.
 *
 * <p>Errors, in Xen's order: {@code nr_bufs} 0 -ENODATA ({@code do_dm_op}, before any copy, in
 * both forms); what the strategy refuses (more than two buffers or an oversized block -E2BIG, an
 * unreadable buffer array or block -EFAULT, a bad block -EINVAL); no such target domain -ESRCH;
 * the caller itself as target, or an unprivileged caller, -EPERM (a device model acts on a remote
 * domain it is privileged over); the operation unreadable -EFAULT, an operation beyond Xen's table
 * -EOPNOTSUPP, a non-zero pad -EINVAL; in the pointer form, {@code nr_bufs} other than 2 -EINVAL
 * (modified_memory needs exactly its operation and its extents); fewer extents in buffer 1 than
 * {@code nr_extents} -EINVAL;
 * an extent with {@code nr} 0, reaching beyond the target's guest-physical space, with a non-zero
 * pad, or with {@code opaque} not below its {@code nr} -EINVAL; an extent that cannot be read
 * -EFAULT. A refused entry marks nothing: the frames an entry covers are marked only once it has
 * validated them all (and, when preempted, written its progress back).
 *
 * <p>A documented choice: an operation inside Xen's table other than modified_memory (ioreq
 * servers, interrupts, memory types, ...) is not modelled and gets -EOPNOTSUPP, the errno Xen gives
 * an operation it does not know. Not modelled either: Xen's {@code !is_hvm_domain(d)} check
 * (-EINVAL; every lab domain is translated) and a target without log-dirty mode, for which Xen's
 * {@code modified_memory} returns 0 at once (the lab's domains always keep a dirty log).
 *
 * <p><b>Continuation.</b> As in Xen, the handler polls
 * {@link HypercallContext#preemptionPending()} after each batch of {@value #BATCH_PFNS} frames when
 * extents remain; when it answers true it writes the progress into the operation
 * ({@code nr_extents} left, {@code opaque} the frames done of the current extent), marks what it
 * covered, and continues with the same argument words ({@link DmOpArguments#continuationArgs()});
 * the next entry reads the operation again and resumes there.
 */
@Singleton
public final class DmOpHandler implements HypercallHandler {
    /** Xen's {@code cont_check_interval}: frames between preemption checks. */
    public static final int BATCH_PFNS = 0x100;

    private final ArgumentStrategy strategy;
    private final DomainTable domains;

    @Inject
    public DmOpHandler(ArgumentStrategy strategy, DomainTable domains) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.domains = requireNonNull(domains, "domains is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        // do_dm_op (xen/common/dm.c): "if ( !nr_bufs ) return -ENODATA;" before anything is copied.
        long nrBufs = args.length > 1 ? args[1] & 0xFFFF_FFFFL : 0;
        if (nrBufs == 0) {
            return XenErrno.ENODATA.asResult();
        }
        DmOpArguments dm = strategy.decode(DmOpArguments.KIND, context.guest(), args);
        Domain target = domains.lookup(dm.domid());
        if (target == null) {
            return XenErrno.ESRCH.asResult();
        }
        if (target.domid() == context.domid() || !context.isPrivileged()) {
            return XenErrno.EPERM.asResult();
        }
        ModifiedMemoryOp op = dm.readOp();
        // dm_op, case XEN_DMOP_modified_memory: "if ( op_args->nr_bufs != 2 ) rc = -EINVAL".
        // The embedded form carries the extents inside its one block, so this is the pointer form's.
        if (strategy.followsXenArgumentWords() && nrBufs != DmOp.MAX_BUFS) {
            return XenErrno.EINVAL.asResult();
        }
        long remaining = op.nrExtentsUnsigned();
        long pfnsDone = Integer.toUnsignedLong(op.opaque());
        if (dm.extentCapacity() < remaining) {
            return XenErrno.EINVAL.asResult();
        }
        long frames = target.physmapFrames();
        Runs covered = new Runs();
        long batchLeft = BATCH_PFNS;
        while (remaining > 0) {
            ModifiedMemoryExtent extent = dm.readExtent(remaining - 1);
            long first = extent.firstPfn();
            long nr = extent.nrUnsigned();
            if (nr == 0 || first < 0 || first >= frames || nr > frames - first || pfnsDone >= nr) {
                return XenErrno.EINVAL.asResult();
            }
            long pfn = first + pfnsDone;
            long batch = nr - pfnsDone;
            if (batch > batchLeft) {
                batch = batchLeft;
                pfnsDone += batch;
            } else {
                remaining--;
                pfnsDone = 0;
            }
            batchLeft -= batch;
            covered.add(pfn, batch);
            if (batchLeft == 0 && remaining > 0) {
                if (context.preemptionPending()) {
                    dm.writeOp(new ModifiedMemoryOp((int) remaining, (int) pfnsDone));
                    covered.markDirty(target);
                    return context.createContinuation(HypercallNumber.DM_OP, dm.continuationArgs());
                }
                batchLeft = BATCH_PFNS;
            }
        }
        // Success: const_op = !rc, so Xen copies nothing back to buffer 0.
        covered.markDirty(target);
        return 0;
    }

    /** Runs of frames an entry covered, marked once the entry can no longer be refused. */
    private static final class Runs {
        private long[] runs = new long[16];
        private int size;

        void add(long pfn, long count) {
            if (size == runs.length) {
                runs = Arrays.copyOf(runs, runs.length * 2);
            }
            runs[size++] = pfn;
            runs[size++] = count;
        }

        void markDirty(Domain target) {
            for (int i = 0; i < size; i += 2) {
                target.markDirty(runs[i], runs[i + 1]);
            }
        }
    }
}
