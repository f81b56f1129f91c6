package org.xencommlab.api.abi.multicall;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a multicall gave back.
 *
 * @param result the multicall's own result: 0, or a negative errno (-EFAULT for an unreadable
 *     list, -EINVAL for a bad block), in which case the entries' outcomes are those of calls that
 *     were not run (their results as the guest last saw them)
 * @param entries one outcome per call, in order
 */
public record MulticallOutcome(long result, List<Entry> entries) {
    public MulticallOutcome {
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
    }

    /**
     * One call's outcome.
     *
     * @param result the result word the hypervisor wrote back into the entry
     * @param outcome the sub-request's own outcome type ({@code ReservationOutcome} for a
     *     reservation, {@code Long} for a plain call, ...), read as if the call had returned {@code result}
     */
    public record Entry(long result, Object outcome) {
        public Entry {
            requireNonNull(outcome, "outcome is null");
        }
    }
}
