package org.xencommlab.hypervisor.handlers;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpArguments;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.MemoryOp;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.domain.Extent;

/**
 * {@code memory_op(cmd, arg)} (xen/common/memory.c): the reservation operations on a
 * {@code xen_memory_reservation}, and the two reservation queries. {@code cmd} is
 * {@code op | start_extent << 6} ({@link MemoryOpCommand}); every other sub-op is -ENOSYS.
 *
 * <h2>increase_reservation (0), decrease_reservation (1), populate_physmap (6)</h2>
 * The reservation is decoded only through the run's {@link ArgumentStrategy}: in the pointer form
 * {@code arg} names the 32-byte structure, whose {@code extent_start} handle names the extent
 * array; in the embedded form {@code arg} names one block holding the fixed fields and the array.
 * Extents are then done one at a time from {@code start_extent}, each whole or not at all:
 * <ul>
 *   <li>increase: {@code 2^order} frames are allocated to the target (counted in
 *       {@code tot_pages} against {@code max_pages}). What follows is
 *       {@link HypervisorConfig#increaseReservation()} (xen/common/memory.c
 *       {@code increase_reservation}):
 *       {@link HypervisorConfig.IncreaseReservation#TRANSLATED TRANSLATED}, the default and Xen's
 *       for a translated domain (every lab domain is one), maps nothing and writes nothing back;
 *       {@link HypervisorConfig.IncreaseReservation#PV PV}, Xen's for a PV domain, maps nothing and
 *       writes the extent's first machine frame into the array, and if that write faults the
 *       extent stays allocated and is not counted, as in Xen;
 *       {@link HypervisorConfig.IncreaseReservation#LAB_MAPPED LAB_MAPPED} (not Xen) maps the
 *       extent at the lowest free aligned run of guest frames and writes that guest frame back,
 *       giving the extent back if the write faults. A NULL {@code extent_start} in the pointer form
 *       writes nothing, as in Xen. Frames allocated and not mapped stay the target's until it is
 *       destroyed.</li>
 *   <li>decrease: the guest frame read from the array is unmapped, its frames scrubbed and freed,
 *       {@code tot_pages} drops.</li>
 *   <li>populate: the guest frame read from the array is backed with new frames (zeroed).</li>
 * </ul>
 * The result is the number of extents done (counted from 0, including those of earlier entries),
 * as Xen returns it. Xen's rules, which this follows:
 * <ul>
 *   <li>a refusal before any work returns {@code start_extent}, never an errno: an unreadable or
 *       malformed reservation (a truncated, oversized or foreign embedded block), {@code nr_extents}
 *       above what a continuation can encode ({@link ReservationLimits#MAX_NR_EXTENTS}),
 *       {@code start_extent >= nr_extents}, a pointer-form extent list the arch's
 *       {@code access_ok} refuses as a whole from {@code start_extent} on (Xen's
 *       {@code guest_handle_subrange_okay}; e.g. one that wraps past the top of the address
 *       space), an {@code extent_order} above the caller's
 *       {@code max_order()} ({@link HypervisorConfig#maxOrder(boolean)}: 9 for a domU, 18 for the
 *       control domain, as Xen's {@code CONFIG_DOMU_MAX_ORDER} and {@code CONFIG_CTLDOM_MAX_ORDER}
 *       on x86), a domid that names no live domain, and an
 *       unprivileged caller naming another domain (Xen's {@code rcu_lock_domain_by_any_id} and
 *       XSM_TARGET check both end in {@code return start_extent});</li>
 *   <li>an extent that fails stops the operation, and the result is the extents done before it:
 *       a fault reading or writing the array, the target's reservation ({@code max_pages}) or
 *       machine memory exhausted, a frame outside the physmap, already populated (populate), not
 *       populated or pinned (decrease). Nothing of the failing extent stays changed.</li>
 * </ul>
 * {@code domid} is {@code DOMID_SELF} (0x7FF0) or the caller's own id; the control domain may name
 * any live domain. {@code EXTENTS_DONE} counts each extent done.
 *
 * <p><b>Continuation.</b> Before each extent but the first of an entry the handler polls
 * {@link HypercallContext#preemptionPending()}; when it answers true the call is continued with
 * {@code cmd = op | (i << 6)} and the same {@code arg}, and the next entry resumes at extent
 * {@code i}: nothing is done twice or skipped.
 *
 * <h2>current_reservation (3), maximum_reservation (4)</h2>
 * {@code arg} names a {@code domid_t} (2 bytes, little-endian) in both forms: the embedded ABI has
 * no block for these, so the hypervisor reads the 2 bytes through
 * {@link org.xencommlab.api.hypercall.GuestCopy}, as Xen's {@code copy_from_guest(&domid, arg, 1)}
 * does. Returns {@code tot_pages} or {@code max_pages}. Errors, as Xen's: a non-zero
 * {@code start_extent} -EINVAL, an unreadable domid -EFAULT, no such domain -ESRCH, an
 * unprivileged caller naming another domain -EPERM.
 */
@Singleton
public final class MemoryOpHandler implements HypercallHandler {
    private final ArgumentStrategy strategy;
    private final DomainTable domains;
    private final HypervisorConfig config;

    @Inject
    public MemoryOpHandler(ArgumentStrategy strategy, DomainTable domains, HypervisorConfig config) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.domains = requireNonNull(domains, "domains is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        // The cmd word is decoded once, by memory_op's ABI; the reservation is read only if asked for.
        MemoryOpArguments call = strategy.decode(MemoryOpArguments.KIND, context.guest(), args);
        MemoryOpCommand cmd = call.command();
        return switch (cmd.op()) {
            case MemoryOp.INCREASE_RESERVATION, MemoryOp.DECREASE_RESERVATION, MemoryOp.POPULATE_PHYSMAP ->
                    reservation(context, cmd, call);
            case MemoryOp.CURRENT_RESERVATION, MemoryOp.MAXIMUM_RESERVATION -> reservationQuery(context, cmd, call.argument());
            default -> XenErrno.ENOSYS.asResult();
        };
    }

    private long reservation(HypercallContext context, MemoryOpCommand cmd, MemoryOpArguments call) {
        ReservationArguments r;
        Domain target;
        try {
            r = call.reservation();
            target = Targets.byAnyId(domains, context, r.reservation().domid());
            if (target == null) {
                throw new XenException(XenErrno.ESRCH, "no domain " + r.reservation().domid());
            }
            Targets.checkTarget(context, target);
            // max_order(current->domain): the caller's limit, not the target's (xen/common/memory.c).
            ReservationLimits.checkOrder(r.reservation().extentOrder(), config.maxOrder(context.isPrivileged()));
        } catch (XenException e) {
            // Xen answers every refusal before the work with start_extent, not an errno.
            return cmd.startExtent();
        }
        MemoryReservation reservation = r.reservation();
        int order = reservation.extentOrder();
        boolean writeBack = r.hasExtentArray();
        long start = cmd.startExtent();
        long i = start;
        for (; i < reservation.nrExtents(); i++) {
            if (i != start && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.MEMORY_OP, r.continuationArgs(i));
            }
            if (!doExtent(cmd.op(), r, i, target, order, writeBack, config.increaseReservation())) {
                break;
            }
            context.metrics().increment(Counter.EXTENTS_DONE);
        }
        return i;
    }

    /** Does extent {@code i} whole, or changes nothing and returns false. */
    private static boolean doExtent(int op, ReservationArguments r, long i, Domain target, int order, boolean writeBack,
            HypervisorConfig.IncreaseReservation increase) {
        try {
            switch (op) {
                case MemoryOp.INCREASE_RESERVATION -> {
                    return increase(r, i, target, order, writeBack, increase);
                }
                case MemoryOp.DECREASE_RESERVATION -> target.decreaseReservation(r.readExtent(i), order);
                default -> target.populatePhysmap(r.readExtent(i), order);
            }
            return true;
        } catch (XenException e) {
            return false;
        }
    }

    /** One extent of increase_reservation, as {@code increase} says; false if it is not to be counted. */
    private static boolean increase(ReservationArguments r, long i, Domain target, int order, boolean writeBack,
            HypervisorConfig.IncreaseReservation increase) {
        switch (increase) {
            case TRANSLATED -> target.allocateUnmapped(order, false);
            case PV -> {
                long mfn = target.allocateUnmapped(order, true);
                if (writeBack) {
                    // Xen: a fault here is "goto out", the extent stays allocated and is not counted.
                    r.writeExtent(i, mfn);
                }
            }
            case LAB_MAPPED -> {
                Extent extent = target.increaseReservation(order);
                if (writeBack) {
                    try {
                        r.writeExtent(i, extent.gfn());
                    } catch (XenException e) {
                        giveBack(target, extent.gfn(), order);
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Undoes an increase whose frame number could not be written back. It only fails if a racing
     * vCPU pinned one of the new frames in between; the extent then stays with the domain (its
     * accounting is exact) and is not counted.
     */
    private static void giveBack(Domain target, long gfn, int order) {
        try {
            target.decreaseReservation(gfn, order);
        } catch (XenException e) {
            // pinned meanwhile: see above
        }
    }

    private long reservationQuery(HypercallContext context, MemoryOpCommand cmd, long arg) {
        if (cmd.startExtent() != 0) {
            return XenErrno.EINVAL.asResult();
        }
        byte[] domid = new byte[2];
        if (context.guest().copyFromGuest(domid, 0, new MemoryReference(arg), 0, domid.length) != 0) {
            return XenErrno.EFAULT.asResult();
        }
        Domain target = Targets.byAnyId(domains, context, LittleEndian.u16(domid, 0));
        if (target == null) {
            return XenErrno.ESRCH.asResult();
        }
        Targets.checkTarget(context, target);
        return cmd.op() == MemoryOp.CURRENT_RESERVATION ? target.totPages() : target.maxPages();
    }
}
