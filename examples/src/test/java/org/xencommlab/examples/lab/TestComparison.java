package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.SizeSweep;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

final class TestComparison {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());

    @Test
    void foldingRunsAsTheyFinishGivesTheSameAggregatesAsKeepingThem() {
        List<Scenario> scenarios = List.of(ScenarioCatalog.standard().get("memory-pressure"));
        Comparison streaming = new Comparison(List.of("x86", "ppc"), List.of("pointer"), scenarios, Map.of(), 3, 4,
                false, Map.of(), false);
        Comparison raw = new Comparison(List.of("x86", "ppc"), List.of("pointer"), scenarios, Map.of(), 3, 4, false,
                Map.of(), true);

        ComparisonReport folded = streaming.run(INJECTORS, CostModel.defaults(), "test", 2, done -> {});
        ComparisonReport kept = raw.run(INJECTORS, CostModel.defaults(), "test", 1, done -> {});

        ComparisonReport keptOnThreeThreads = raw.run(INJECTORS, CostModel.defaults(), "test", 3, done -> {});

        assertThat(folded.results()).isEmpty();
        assertThat(keptOnThreeThreads.results()).isEqualTo(kept.results());
        assertThat(kept.results()).hasSize(4 * kept.aggregates().size());
        assertThat(folded.aggregates()).isEqualTo(kept.aggregates());
        // The same runs folded by the report's own factory agree too.
        ComparisonReport rebuilt = ComparisonReport.of(kept.seed(), kept.toolVersion(), kept.configurations(),
                kept.scenarios(), kept.costModel(), kept.results(), kept.sweeps());
        assertThat(rebuilt.aggregates()).isEqualTo(folded.aggregates());
        assertThat(folded.aggregates()).allSatisfy(a -> {
            assertThat(a.runs()).isEqualTo(4);
            assertThat(a.firstSeed()).isEqualTo(3);
            assertThat(a.lastSeed()).isEqualTo(6);
        });
    }

    @Test
    void sweepValuesAreTheUsersOrTheDefaultsWithMidpoints() {
        Scenario balloon = ScenarioCatalog.standard().get("balloon");
        List<Long> defaults = Comparison.defaultSweepValues(balloon);
        assertThat(defaults.size()).isGreaterThan(balloon.sweepValues().size());
        assertThat(defaults).containsAll(balloon.sweepValues()).isSorted();

        Comparison chosen = new Comparison(List.of("x86"), List.of("pointer"), List.of(balloon), Map.of(), 1, 1, true,
                Map.of(balloon.sizeParameter(), List.of(16L, 64L)), false);
        SizeSweep sweep = chosen.run(INJECTORS, CostModel.defaults(), "test", 2, done -> {}).sweeps().get(0);
        assertThat(sweep.values()).containsExactly(16L, 64L);
    }

    @Test
    void badSweepValuesAreRefusedBeforeAnyRun() {
        Scenario balloon = ScenarioCatalog.standard().get("balloon");
        assertThatThrownBy(() -> new Comparison(List.of(), List.of(), List.of(balloon), Map.of(), 1, 1, true,
                Map.of("pages", List.of(1L)), false)).hasMessageContaining("no chosen scenario is swept by it; valid: "
                        + balloon.sizeParameter());
        assertThatThrownBy(() -> new Comparison(List.of(), List.of(), List.of(balloon), Map.of(), 1, 1, true,
                Map.of(balloon.sizeParameter(), List.of(64L, 16L)), false)).hasMessageContaining("strictly ascending");
        assertThatThrownBy(() -> new Comparison(List.of(), List.of(), List.of(balloon), Map.of(), 1, 1, true,
                Map.of(balloon.sizeParameter(), List.of(0L)), false)).hasMessageContaining(balloon.sizeParameter());
    }
}
