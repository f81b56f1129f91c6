package org.xencommlab.api.abi.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * A guest's {@code memory_op} reservation request: increase_reservation, decrease_reservation or
 * populate_physmap over an extent list.
 *
 * @param op {@link org.xencommlab.api.hypercall.SubOps.MemoryOp#INCREASE_RESERVATION},
 *     {@code DECREASE_RESERVATION} or {@code POPULATE_PHYSMAP}
 * @param extents the extent array as the guest passes it (frames to free or to populate; for
 *     increase_reservation its content is ignored and its length is {@code nr_extents}), copied
 * @param extentOrder each extent is {@code 2^extentOrder} pages
 * @param memFlags {@code XENMEMF_*} bits
 * @param domid the domain whose reservation changes ({@code DOMID_SELF} = 0x7FF0)
 */
public record ReservationRequest(int op, long[] extents, int extentOrder, int memFlags, int domid)
        implements HypercallRequest<ReservationOutcome> {
    /** {@code DOMID_SELF}. */
    public static final int DOMID_SELF = 0x7FF0;

    public ReservationRequest {
        if (!MemoryOpCommand.isReservationOp(op)) {
            throw new IllegalArgumentException("not a reservation operation: " + op);
        }
        if (domid < 0 || domid > 0xFFFF) {
            throw new IllegalArgumentException("domid is not a u16: " + domid);
        }
        extents = extents.clone();
    }

    /** A request for {@code nrExtents} extents whose array content the hypervisor fills in. */
    public static ReservationRequest increase(int nrExtents, int extentOrder, int domid) {
        return new ReservationRequest(0, new long[nrExtents], extentOrder, 0, domid);
    }

    @Override
    public int hypercall() {
        return HypercallNumber.MEMORY_OP;
    }

    @Override
    public long[] extents() {
        return extents.clone();
    }

    public int nrExtents() {
        return extents.length;
    }

    /**
     * This request split into requests of at most {@code maxExtents} extents each, in order; the
     * concatenation of their extent lists is this request's list, and every other field is kept.
     * A request that fits is returned alone; an empty one stays one (empty) request.
     */
    public List<ReservationRequest> split(int maxExtents) {
        if (maxExtents <= 0) {
            throw new IllegalArgumentException("maxExtents must be positive: " + maxExtents);
        }
        if (extents.length <= maxExtents) {
            return List.of(this);
        }
        List<ReservationRequest> parts = new ArrayList<>((extents.length + maxExtents - 1) / maxExtents);
        for (int from = 0; from < extents.length; from += maxExtents) {
            int to = Math.min(extents.length, from + maxExtents);
            parts.add(new ReservationRequest(op, Arrays.copyOfRange(extents, from, to), extentOrder, memFlags, domid));
        }
        return List.copyOf(parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReservationRequest r && r.op == op && Arrays.equals(r.extents, extents)
                && r.extentOrder == extentOrder && r.memFlags == memFlags && r.domid == domid;
    }

    @Override
    public int hashCode() {
        return ((op * 31 + Arrays.hashCode(extents)) * 31 + extentOrder) * 31 + memFlags * 17 + domid;
    }

    @Override
    public String toString() {
        return "ReservationRequest[op=" + op + ", nr_extents=" + extents.length + ", order=" + extentOrder
                + ", mem_flags=0x" + Integer.toHexString(memFlags) + ", domid=" + domid + "]";
    }
}
