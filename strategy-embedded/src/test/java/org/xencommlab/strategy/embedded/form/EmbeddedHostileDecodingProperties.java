package org.xencommlab.strategy.embedded.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.HostileDecodingContract;

/** The kit's hostile-decoding contract, run against the embedded strategy. */
final class EmbeddedHostileDecodingProperties extends HostileDecodingContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new EmbeddedStrategy(), new EmbeddedStrategy(256));
    }
}
