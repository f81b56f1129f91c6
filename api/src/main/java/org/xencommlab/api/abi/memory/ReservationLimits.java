package org.xencommlab.api.abi.memory;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.SubOps;

/**
 * Xen's bounds on a reservation request (xen/common/memory.c, {@code do_memory_op} and
 * {@code max_order}).
 */
public final class ReservationLimits {
    /**
     * The most extents one request may name: {@code UINT_MAX >> MEMOP_EXTENT_SHIFT}, so that a
     * continuation can encode any start extent in the {@code cmd} word (Xen: "Is size too large for
     * us to encode a continuation?").
     */
    public static final long MAX_NR_EXTENTS = 0xFFFF_FFFFL >>> SubOps.MemoryOp.EXTENT_SHIFT;
    /** {@code CONFIG_DOMU_MAX_ORDER}: the largest extent order an ordinary domain may ask for. */
    public static final int DOMU_MAX_ORDER = 9;
    /** {@code CONFIG_CTLDOM_MAX_ORDER} (defaults to {@code CONFIG_PAGEALLOC_MAX_ORDER}): for the control domain. */
    public static final int CTLDOM_MAX_ORDER = 18;

    private ReservationLimits() {}

    /** {@code max_order(current->domain)}: the largest extent order the calling domain may use. */
    public static int maxOrder(boolean controlDomain) {
        return controlDomain ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
    }

    /**
     * Checks the counts of a request as {@code do_memory_op} does before it touches anything.
     *
     * <p>Xen returns {@code start_extent} (the extents already done) for every one of these
     * refusals, not an errno; a handler faithful to Xen catches the exception and returns
     * {@code startExtent}. The errno says why, for the trace and the error counts.
     *
     * @throws XenException E2BIG when {@code nrExtents} (unsigned) exceeds {@link #MAX_NR_EXTENTS};
     *     EINVAL when {@code startExtent >= nrExtents}
     */
    public static void checkCounts(long nrExtents, long startExtent) {
        if (Long.compareUnsigned(nrExtents, MAX_NR_EXTENTS) > 0) {
            throw new XenException(XenErrno.E2BIG, "nr_extents " + Long.toUnsignedString(nrExtents)
                    + " exceeds what a continuation can encode (" + MAX_NR_EXTENTS + ")");
        }
        if (Long.compareUnsigned(startExtent, nrExtents) >= 0) {
            throw new XenException(XenErrno.EINVAL, "start extent " + Long.toUnsignedString(startExtent)
                    + " is not below nr_extents " + nrExtents);
        }
    }

    /**
     * Checks an extent order against {@code maxOrder} ({@code increase_reservation},
     * {@code decrease_reservation} and {@code populate_physmap} do nothing beyond it).
     *
     * @throws XenException EINVAL when {@code extentOrder} (unsigned) exceeds {@code maxOrder}
     */
    public static void checkOrder(int extentOrder, int maxOrder) {
        if (Integer.toUnsignedLong(extentOrder) > maxOrder) {
            throw new XenException(XenErrno.EINVAL, "extent_order " + Integer.toUnsignedString(extentOrder)
                    + " exceeds the maximum " + maxOrder);
        }
    }
}
