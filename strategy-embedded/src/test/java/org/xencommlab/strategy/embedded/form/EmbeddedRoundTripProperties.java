package org.xencommlab.strategy.embedded.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.StrategyRoundTripContract;

/** The kit's round-trip contract, run against the embedded strategy. */
final class EmbeddedRoundTripProperties extends StrategyRoundTripContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new EmbeddedStrategy(), new EmbeddedStrategy(256));
    }

    /** A 256-byte block does not hold the contract's multicall whole. */
    @Override
    protected List<ArgumentStrategy> strategiesHoldingASmallMulticall() {
        return List.of(new EmbeddedStrategy());
    }
}
