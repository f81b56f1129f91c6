package org.xencommlab.api.abi.multicall;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * A guest's multicall: several requests issued with one hypercall. Each request is prepared with
 * the same strategy (a reservation inside a multicall carries its extent array as it would alone).
 * A request may itself be a {@code MulticallRequest}: the ABI can express it, and the hypervisor
 * refuses it (-EINVAL in that entry's result).
 *
 * @param calls the calls, in order
 */
public record MulticallRequest(List<HypercallRequest<?>> calls) implements HypercallRequest<MulticallOutcome> {
    public MulticallRequest {
        calls = List.copyOf(requireNonNull(calls, "calls is null"));
    }

    public static MulticallRequest of(HypercallRequest<?>... calls) {
        return new MulticallRequest(List.of(calls));
    }

    @Override
    public int hypercall() {
        return HypercallNumber.MULTICALL;
    }
}
