package org.xencommlab.api.abi.memory;

import java.util.Arrays;

/**
 * What a reservation hypercall gave back.
 *
 * @param result the hypercall's result: the number of extents done, or a negative errno
 * @param extents the first {@code min(result, nr_extents)} entries of the extent array as the
 *     hypervisor left them (frames allocated by increase_reservation and populate_physmap); empty
 *     when the result is negative; copied
 */
public record ReservationOutcome(long result, long[] extents) {
    public ReservationOutcome {
        extents = extents.clone();
    }

    @Override
    public long[] extents() {
        return extents.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReservationOutcome r && r.result == result && Arrays.equals(r.extents, extents);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(result) * 31 + Arrays.hashCode(extents);
    }

    @Override
    public String toString() {
        return "ReservationOutcome[result=" + result + ", extents=" + extents.length + "]";
    }
}
