package org.xencommlab.strategy.pointer.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.StrategyRoundTripContract;

/** The kit's round-trip contract, run against the pointer strategy. */
final class PointerRoundTripProperties extends StrategyRoundTripContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new PointerStrategy());
    }
}
