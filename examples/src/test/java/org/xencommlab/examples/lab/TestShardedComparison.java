package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.ReportJson;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/** A comparison's shards, run apart and written to shard files, fold into the report of one run. */
final class TestShardedComparison {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());
    private static final Comparison COMPARISON = new Comparison(List.of("x86"), List.of("pointer", "embedded"),
            List.of(ScenarioCatalog.standard().get("balloon"), ScenarioCatalog.standard().get("memory-pressure")),
            Map.of(), 7, 3, true, Map.of("balloon-pages", List.of(16L, 64L)), false);

    private static ShardFile file(Comparison comparison, Shard shard) {
        ShardResults results = comparison.runShard(INJECTORS, CostModel.defaults(), shard, 2, done -> {});
        ShardFile.Definition definition = new ShardFile.Definition(comparison.archs(), comparison.strategies(),
                comparison.scenarios().stream().map(Scenario::name).toList(), new TreeMap<>(comparison.settings()),
                comparison.repeat(), comparison.sweep(), new TreeMap<>(comparison.sweepValues()), comparison.raw(), false,
                comparison.totalRuns(INJECTORS.registry()), comparison.reportedConfigurations(INJECTORS),
                comparison.scenarioInfos(), CostModel.defaults());
        // Through the file's text, as the shards travel between machines.
        return ShardFile.read(new ShardFile("test", comparison.seed(), definition, results).write());
    }

    private static ComparisonReport merged(List<ShardFile> files) {
        return COMPARISON.report(INJECTORS, CostModel.defaults(), "test", files.stream().map(ShardFile::results).toList());
    }

    @Test
    void threeStreamedShardsFoldIntoTheReportOfOneRun() {
        String whole = ReportJson.write(COMPARISON.run(INJECTORS, CostModel.defaults(), "test", 2, done -> {}));
        List<ShardFile> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(file(COMPARISON, new Shard(i, 3)));
        }
        assertThat(files).allSatisfy(f -> assertThat(f.results().raw()).isEmpty());
        assertThat(files.stream().mapToInt(f -> f.results().runs()).sum()).isEqualTo(COMPARISON.totalRuns(INJECTORS.registry()));
        assertThat(files.stream().map(ShardFile::digest).distinct()).hasSize(1);
        assertThat(ReportJson.write(merged(List.of(files.get(2), files.get(0), files.get(1))))).isEqualTo(whole);

        assertThatThrownBy(() -> merged(List.of(files.get(0), files.get(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("missing shard 1/3");
        assertThatThrownBy(() -> merged(List.of(files.get(0), files.get(1), files.get(1), files.get(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 1/3 is given twice");
    }

    @Test
    void moreShardsThanRunsLeaveSomeEmptyAndStillFold() {
        Comparison small = new Comparison(List.of("x86"), List.of("pointer"),
                List.of(ScenarioCatalog.standard().get("memory-pressure")), Map.of(), 1, 1, false, Map.of(), false);
        int total = small.totalRuns(INJECTORS.registry());
        List<ShardResults> parts = new ArrayList<>();
        for (int i = 0; i < total + 2; i++) {
            parts.add(file(small, new Shard(i, total + 2)).results());
        }
        assertThat(parts.get(total + 1).runs()).isZero();
        assertThat(ReportJson.write(small.report(INJECTORS, CostModel.defaults(), "test", parts)))
                .isEqualTo(ReportJson.write(small.run(INJECTORS, CostModel.defaults(), "test", 1, done -> {})));
    }

    @Test
    void aShardOfAnotherComparisonDoesNotFold() {
        Comparison fewer = new Comparison(List.of("x86"), List.of("pointer"), COMPARISON.scenarios(), Map.of(), 7, 3,
                true, COMPARISON.sweepValues(), false);
        List<ShardResults> parts = List.of(file(COMPARISON, new Shard(0, 2)).results(), file(fewer, new Shard(1, 2)).results());
        assertThatThrownBy(() -> COMPARISON.report(INJECTORS, CostModel.defaults(), "test", parts))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 1/2");
    }

    @Test
    void shardsAreParsedStrictly() {
        assertThat(Shard.parse("2/5")).isEqualTo(new Shard(2, 5));
        assertThat(Shard.parse("0/1")).isEqualTo(Shard.WHOLE);
        for (String bad : List.of("5/5", "0/0", "-1/2", "1", "1/", "/1", "a/2", "1/b", "1/2/3", " 1/2", "1/2000000",
                "+1/2", "")) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--shard");
        }
    }

    @Property(tries = 200)
    void theShardsOfASplitHoldEveryRunOnce(@ForAll @IntRange(min = 0, max = 5000) int total,
            @ForAll @IntRange(min = 1, max = 64) int count) {
        int[] holders = new int[total];
        int sum = 0;
        for (int i = 0; i < count; i++) {
            Shard shard = new Shard(i, count);
            int runs = shard.runsOf(total);
            sum += runs;
            for (int k = 0; k < runs; k++) {
                int index = shard.runIndex(k);
                assertThat(shard.holds(index)).isTrue();
                holders[index]++;
            }
        }
        assertThat(sum).isEqualTo(total);
        for (int holder : holders) {
            assertThat(holder).isEqualTo(1);
        }
    }
}
