package org.xencommlab.strategy.pointer.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.HostileDecodingContract;

/** The kit's hostile-decoding contract, run against the pointer strategy. */
final class PointerHostileDecodingProperties extends HostileDecodingContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new PointerStrategy());
    }
}
