package org.xencommlab.examples.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class CostModelProperties {
    private static final List<String> METRICS = CostModel.defaults().pricedMetrics();

    @Property(tries = 200)
    void modelledTimeIsAdditiveUpToRounding(@ForAll("counts") Map<String, Long> a, @ForAll("counts") Map<String, Long> b) {
        CostModel model = CostModel.defaults();
        Map<String, Long> sum = new HashMap<>(a);
        b.forEach((k, v) -> sum.merge(k, v, Long::sum));

        long whole = model.modelledNanos(n -> sum.getOrDefault(n, 0L));
        long parts = model.modelledNanos(n -> a.getOrDefault(n, 0L)) + model.modelledNanos(n -> b.getOrDefault(n, 0L));

        assertThat(Math.abs(whole - parts)).isLessThanOrEqualTo(1);
        assertThat(whole).isGreaterThanOrEqualTo(model.modelledNanos(n -> a.getOrDefault(n, 0L)));
    }

    @Provide
    Arbitrary<Map<String, Long>> counts() {
        return Arbitraries.maps(Arbitraries.of(METRICS), Arbitraries.longs().between(0, 1_000_000)).ofMaxSize(8);
    }
}
