package org.xencommlab.examples.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.LabRunner;
import org.xencommlab.examples.lab.RunSpec;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/** Scenarios show what they claim at their default parameters, and their reports agree with their checks. */
final class TestScenarioDefaults {
    private static final LabRunner RUNNER = new LabRunner(new RunInjectors(PluginRegistry.discover()), CostModel.defaults());

    private static RunResult run(String scenario, LabConfiguration configuration) {
        return RUNNER.run(new RunSpec(configuration, ScenarioCatalog.standard().get(scenario), Map.of(), 1),
                RunEnvironment.defaults(1));
    }

    private static LabConfiguration ppc(String key, String value) {
        return new LabConfiguration("ppc", "pointer", Map.of(key, value), Map.of());
    }

    @Test
    void unknownSizeMakesARegistrationModeToolRegisterALargerBuffer() {
        RunResult registration = run("unknown-size", LabConfiguration.of("ppc", "pointer"));
        RunResult mlocked = run("unknown-size", LabConfiguration.of("x86", "pointer"));
        RunResult embedded = run("unknown-size", LabConfiguration.of("ppc", "embedded"));

        assertThat(registration.outcome()).isEqualTo(Outcome.OK);
        assertThat(registration.metrics().get("retries")).as("the buffer re-made larger").isPositive();
        assertThat(registration.metrics().get("registrations")).as("first buffer, then the larger one").isGreaterThanOrEqualTo(2);
        assertThat(mlocked.metrics().get("retries")).isPositive();
        assertThat(embedded.outcome()).isEqualTo(Outcome.OK);
        assertThat(embedded.metrics().get("retries")).as("re-mapping a block is no retry").isZero();
    }

    @Test
    void ppcsDeviceAreaIsReservedNotLeaked() {
        RunResult device = run("dom0-tools", ppc("buffers", "device"));

        assertThat(device.outcome()).isEqualTo(Outcome.OK);
        assertThat(device.metrics().get("registrationsReserved")).isEqualTo(1);
        assertThat(device.metrics().get("pinnedFramesReserved")).isEqualTo(256);
        assertThat(device.metrics().get("xenHeapBytesReserved")).isPositive();
        assertThat(device.metrics().get("registrationsLeaked")).isZero();
        assertThat(device.metrics().get("pinnedFramesLeaked")).isZero();
        assertThat(device.metrics().get("xenHeapBytesLeaked")).isZero();
        assertThat(device.metrics().get("deviceBytesReservedLeaked")).isZero();
    }

    @Test
    void heapExhaustionFailsWhenTheGreedyProcessLeavesItsRegistrationsBehind() {
        RunResult off = run("heap-exhaustion", ppc("cleanup", "off"));
        RunResult on = run("heap-exhaustion", LabConfiguration.of("ppc", "pointer"));

        assertThat(on.outcome()).isEqualTo(Outcome.OK);
        assertThat(on.metrics().get("registrationsLeaked")).isZero();
        assertThat(off.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(off.failure()).contains("the greedy process was killed holding",
                off.metrics().get("registrationsLeaked") + " registrations");
        assertThat(off.metrics().get("registrationsLeaked")).isPositive();
    }

    @Test
    void processDeathsFailureLineAndLeakedCountsAgree() {
        RunResult off = run("process-death", ppc("cleanup", "off"));

        assertThat(off.outcome()).isEqualTo(Outcome.FAILED);
        Matcher left = Pattern.compile("left (\\d+) registrations").matcher(off.failure());
        assertThat(left.find()).as(off.failure()).isTrue();
        assertThat(Long.parseLong(left.group(1))).isPositive().isEqualTo(off.metrics().get("registrationsLeaked"));
    }
}
