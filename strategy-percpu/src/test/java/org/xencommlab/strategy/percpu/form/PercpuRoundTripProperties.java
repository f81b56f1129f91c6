package org.xencommlab.strategy.percpu.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.StrategyRoundTripContract;

/** The kit's round-trip contract, run against the percpu-page strategy (pages laid out in the kit's in-memory guest). */
final class PercpuRoundTripProperties extends StrategyRoundTripContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new PercpuPageStrategy(), new PercpuPageStrategy(256));
    }

    /** A 256-byte page does not hold the contract's multicall whole. */
    @Override
    protected List<ArgumentStrategy> strategiesHoldingASmallMulticall() {
        return List.of(new PercpuPageStrategy());
    }
}
