package org.xencommlab.examples.report.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;

/** Accumulators of disjoint runs merge into the accumulator of all of them; their state round-trips. */
final class TestAggregateAccumulatorMerge {
    private static final Configuration PPC = Configuration.of("ppc", "pointer");

    private static RunResult run(long seed, long hypercalls, boolean failed) {
        Metrics metrics = Metrics.builder().set("hypercalls", hypercalls).set("registrations", seed % 3)
                .set("hypercall.memory_op.calls", seed % 2).build(CostModel.defaults());
        return new RunResult("ppc", "pointer", new TreeMap<>(), "balloon", new TreeMap<>(Map.of("pages", "8")), seed,
                failed ? Outcome.FAILED : Outcome.OK, failed ? "alloc: -ENOMEM at " + seed : null,
                new TreeMap<>(seed % 2 == 0 ? Map.of("EFAULT", seed) : Map.of()), metrics);
    }

    private static AggregateAccumulator empty() {
        return new AggregateAccumulator(PPC, "balloon", Map.of("pages", "8"));
    }

    @Test
    void anySplitOfTheRunsMergesIntoTheWhole() throws Exception {
        Random random = new Random(5);
        ObjectMapper mapper = new ObjectMapper();
        for (int trial = 0; trial < 20; trial++) {
            List<RunResult> runs = new ArrayList<>();
            for (int seed = 1; seed <= 30; seed++) {
                runs.add(run(seed, random.nextInt(4), random.nextInt(5) == 0));
            }
            AggregateAccumulator whole = empty();
            runs.forEach(whole::add);
            int parts = 1 + random.nextInt(5);
            List<AggregateAccumulator> split = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                split.add(empty());
            }
            runs.forEach(r -> split.get(random.nextInt(parts)).add(r));
            AggregateAccumulator merged = empty();
            List<String> catalog = runs.get(0).metrics().catalogNames();
            for (AggregateAccumulator part : split) {
                // Through JSON, as a shard file carries it.
                String json = mapper.writeValueAsString(part.state());
                AggregateAccumulator.FoldedRuns back = mapper.readValue(json, AggregateAccumulator.FoldedRuns.class);
                assertThat(back).isEqualTo(part.state());
                merged.merge(AggregateAccumulator.restore(back, catalog));
            }
            assertThat(merged.build()).isEqualTo(whole.build());
            assertThat(merged.state()).isEqualTo(whole.state());
        }
    }

    @Test
    void runsOfAnotherPairOrParametersDoNotMerge() {
        AggregateAccumulator ours = empty();
        ours.add(run(1, 2, false));
        AggregateAccumulator otherScenario = new AggregateAccumulator(PPC, "spanning", Map.of("pages", "8"));
        AggregateAccumulator otherPages = new AggregateAccumulator(PPC, "balloon", Map.of("pages", "9"));
        assertThatThrownBy(() -> ours.merge(otherScenario)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ours.merge(otherPages)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ours.merge(ours)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateThatDoesNotAddUpIsRefused() {
        TreeMap<String, String> none = new TreeMap<>();
        TreeMap<String, java.util.SortedMap<Long, Long>> tooMany = new TreeMap<>(Map.of("hypercalls", new TreeMap<>(Map.of(3L, 5L))));
        assertThatThrownBy(() -> new AggregateAccumulator.FoldedRuns("ppc", "pointer", none, "balloon", none, 4, 0, 1L, 4L,
                null, null, new java.util.TreeSet<>(List.of("hypercalls")), tooMany, new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more values than the 4 runs");
        assertThatThrownBy(() -> new AggregateAccumulator.FoldedRuns("ppc", "pointer", none, "balloon", none, 4, 1, 1L, 4L,
                null, null, new java.util.TreeSet<>(List.of("hypercalls")), new TreeMap<>(), new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failure");
        assertThatThrownBy(() -> new AggregateAccumulator.FoldedRuns("ppc", "pointer", none, "balloon", none, 0, 0, 1L, 1L,
                null, null, new java.util.TreeSet<>(), new TreeMap<>(), new TreeMap<>()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no runs");
        assertThatThrownBy(() -> new AggregateAccumulator.FoldedRuns("ppc", "pointer", none, "balloon", none, 2, 0, 1L, 2L,
                null, null, new java.util.TreeSet<>(List.of("hypercalls")), new TreeMap<>(),
                new TreeMap<>(Map.of("ENOTANERRNO", new TreeMap<>(Map.of(1L, 1L))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown errno");
    }
}
