package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The runner's progress report is an interaction with the CLI's progress line: told once per
 * finished run, with the number of runs done so far, whatever order the runs finish in on the
 * pool's threads. A Mockito consumer states exactly that.
 */
final class TestLabRunnerProgress {
    private final LabRunner runner = new LabRunner(new RunInjectors(PluginRegistry.discover()), CostModel.defaults());
    private final Scenario spanning = ScenarioCatalog.standard().get("spanning");

    @Test
    void progressIsReportedOncePerRunWithTheCountOfRunsDone() {
        List<RunSpec> specs = new ArrayList<>();
        for (String arch : List.of("x86", "ppc")) {
            for (long seed = 1; seed <= 2; seed++) {
                specs.add(new RunSpec(LabConfiguration.of(arch, "pointer"), spanning, Map.of(), seed));
            }
        }
        IntConsumer progress = mock(IntConsumer.class);

        List<RunResult> results = runner.runAll(specs, 2, progress);

        assertThat(results).hasSize(specs.size());
        for (int done = 1; done <= specs.size(); done++) {
            verify(progress).accept(done);
        }
        verifyNoMoreInteractions(progress);
    }

    @Test
    void nothingToRunReportsNothing() {
        IntConsumer progress = mock(IntConsumer.class);

        assertThat(runner.runAll(List.of(), 2, progress)).isEmpty();

        verifyNoInteractions(progress);
    }

    @Test
    void aBadThreadCountIsRefusedBeforeAnythingRuns() {
        IntConsumer progress = mock(IntConsumer.class);
        List<RunSpec> specs = List.of(new RunSpec(LabConfiguration.of("x86", "pointer"), spanning, Map.of(), 1));

        assertThatThrownBy(() -> runner.runAll(specs, 0, progress)).isInstanceOf(IllegalArgumentException.class);

        verifyNoInteractions(progress);
    }
}
