package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

final class TestLabRunner {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());

    @Test
    void resultsComeInIndexOrderAndSpecsAreMadeOnlyAFewRunsAhead() {
        LabRunner runner = new LabRunner(INJECTORS, CostModel.defaults());
        Scenario scenario = ScenarioCatalog.standard().get("memory-pressure");
        LabConfiguration configuration = new LabConfiguration("x86", "pointer", Map.of(), Map.of());
        int threads = 3;
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger handed = new AtomicInteger();
        List<Integer> aheadSeen = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();

        runner.forEach(20, index -> {
            assertThat(index).isEqualTo(asked.getAndIncrement());
            aheadSeen.add(index - handed.get());
            return new RunSpec(configuration, scenario, Map.of(), 100 + index);
        }, threads, done -> {}, (index, result) -> {
            assertThat(index).isEqualTo(handed.getAndIncrement());
            seeds.add(result.seed());
        });

        assertThat(seeds).hasSize(20);
        assertThat(seeds).isSorted().startsWith(100L).endsWith(119L);
        // No spec is made more than 2 x threads runs before its result is handed over.
        assertThat(aheadSeen).allSatisfy(ahead -> assertThat(ahead).isLessThan(2 * threads));
    }
}
