package org.xencommlab.examples.report.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;

final class TestAggregateAccumulator {
    private static final Configuration PPC = Configuration.of("ppc", "pointer");

    private static RunResult run(long seed, long hypercalls, boolean failed) {
        Metrics metrics = Metrics.builder().set("hypercalls", hypercalls).set("registrations", 3)
                .build(CostModel.defaults());
        return new RunResult("ppc", "pointer", new TreeMap<>(), "balloon", new TreeMap<>(Map.of("pages", "8")), seed,
                failed ? Outcome.FAILED : Outcome.OK, failed ? "alloc: -ENOMEM" : null,
                new TreeMap<>(seed % 2 == 0 ? Map.of("EFAULT", 2L) : Map.of()), metrics);
    }

    @Test
    void statisticsAreTheTextbookOnes() {
        AggregateAccumulator accumulator = new AggregateAccumulator(PPC, "balloon", Map.of("pages", "8"));
        long[] values = {10, 12, 14, 16, 18};
        for (int i = 0; i < values.length; i++) {
            accumulator.add(run(i + 1, values[i], false));
        }

        Aggregate aggregate = accumulator.build();

        Stat hypercalls = aggregate.metric("hypercalls");
        assertThat(hypercalls.median()).isEqualTo(14);
        assertThat(hypercalls.mean()).isEqualTo(14);
        assertThat(hypercalls.min()).isEqualTo(10);
        assertThat(hypercalls.max()).isEqualTo(18);
        // sd = sqrt(40 / 4) = 3.162; t(0.975, 4) = 2.776; half-width = 2.776 * 3.162 / sqrt(5) = 3.927.
        assertThat(hypercalls.sd()).isCloseTo(3.162, within(0.001));
        assertThat(hypercalls.ciLow()).isCloseTo(14 - 3.927, within(0.002));
        assertThat(hypercalls.ciHigh()).isCloseTo(14 + 3.927, within(0.002));
        // A count that did not vary is one number, in JSON too.
        assertThat(aggregate.metric("registrations").constantValue()).isTrue();
        assertThat(aggregate.metric("registrations").json()).isEqualTo(3L);
        // EFAULT x2 in seeds 2 and 4, none in the others: median 0, max 2.
        assertThat(aggregate.error("EFAULT").median()).isZero();
        assertThat(aggregate.error("EFAULT").max()).isEqualTo(2);
        assertThat(aggregate.runs()).isEqualTo(5);
        assertThat(aggregate.firstSeed()).isEqualTo(1);
        assertThat(aggregate.lastSeed()).isEqualTo(5);
    }

    @Test
    void theOrderRunsFinishInDoesNotMatter() {
        List<RunResult> runs = new ArrayList<>();
        for (int seed = 1; seed <= 40; seed++) {
            runs.add(run(seed, 100 + (seed * 37L) % 11, seed == 7 || seed == 30));
        }
        AggregateAccumulator inOrder = new AggregateAccumulator(PPC, "balloon", Map.of("pages", "8"));
        runs.forEach(inOrder::add);
        Collections.shuffle(runs, new Random(5));
        AggregateAccumulator shuffled = new AggregateAccumulator(PPC, "balloon", Map.of("pages", "8"));
        runs.forEach(shuffled::add);

        assertThat(shuffled.build()).isEqualTo(inOrder.build());
        assertThat(inOrder.build().failed()).isEqualTo(2);
        assertThat(inOrder.build().failure()).isEqualTo("seed 7: alloc: -ENOMEM");
        assertThat(inOrder.build().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aRunOfAnotherCellOrNoRunAtAllIsRefused() {
        AggregateAccumulator accumulator = new AggregateAccumulator(Configuration.of("x86", "pointer"), "balloon",
                Map.of());
        assertThatThrownBy(accumulator::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> accumulator.add(run(1, 5, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("added to x86/pointer");
    }

    @Test
    void statReadsBackWhatItWrites() {
        Stat varying = Stat.of(new TreeMap<>(Map.of(3L, 2L, 9L, 1L)), 4);
        assertThat(varying.min()).isZero();
        assertThat(Stat.fromJson(varying.json())).isEqualTo(varying);
        assertThat(Stat.fromJson(7)).isEqualTo(Stat.constant(7));
        assertThatThrownBy(() -> Stat.fromJson("seven")).isInstanceOf(IllegalArgumentException.class);
    }
}
