package org.xencommlab.strategy.percpu.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.testkit.strategy.HostileDecodingContract;

/** The kit's hostile-decoding contract, run against the percpu-page strategy. */
final class PercpuHostileDecodingProperties extends HostileDecodingContract {
    @Override
    protected List<ArgumentStrategy> strategiesUnderTest() {
        return List.of(new PercpuPageStrategy(), new PercpuPageStrategy(256));
    }
}
