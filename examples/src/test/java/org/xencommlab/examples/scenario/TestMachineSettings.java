package org.xencommlab.examples.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

final class TestMachineSettings {
    private final BalloonScenario balloon = new BalloonScenario();

    @Test
    void parsesTheUsualSizes() {
        assertThat(MachineSettings.parseMemory("64GiB")).isEqualTo(64L << 30);
        assertThat(MachineSettings.parseMemory("1536mib")).isEqualTo(1536L << 20);
        assertThat(MachineSettings.parseMemory("4TiB")).isEqualTo(4L << 40);
        assertThatThrownBy(() -> MachineSettings.parseMemory("64GB")).hasMessageContaining("unit B, KiB, MiB, GiB or TiB");
        assertThatThrownBy(() -> MachineSettings.parseMemory("5TiB")).hasMessageContaining("from 128MiB to 4TiB");
    }

    @Test
    void theBalloonRangeFollowsTheMachine() {
        assertThat(balloon.parameters().get(0).max()).isEqualTo(244_736);
        assertThat(ScenarioSettings.parameters(balloon, Map.of()).get(0).max()).isEqualTo(244_736);
        long big = ScenarioSettings.parameters(balloon, Map.of(MachineSettings.MEMORY, "65GiB")).get(0).max();
        assertThat(big).isGreaterThanOrEqualTo(16_777_216L);
        // The guest of the largest balloon, with its spare pages, fits the machine less dom0.
        assertThat(big + BalloonScenario.sparePages(big)).isLessThanOrEqualTo(((65L << 30) - (64L << 20)) / 4096);
        assertThat(big + 1 + BalloonScenario.sparePages(big + 1)).isGreaterThan(((65L << 30) - (64L << 20)) / 4096);
    }

    @Test
    void machineKeysAreRoutedApartAndReportedOnlyWhenGiven() {
        Map<String, String> sets = Map.of(MachineSettings.MEMORY, "8GiB", BalloonScenario.PAGES, "1000000");

        assertThat(ScenarioSettings.validate(balloon, sets).all()).containsExactly(Map.entry(BalloonScenario.PAGES, "1000000"));
        assertThat(ScenarioSettings.machine(balloon, ScenarioSettings.validate(balloon, sets), sets).hypervisor()
                .machineMemoryBytes()).isEqualTo(8L << 30);
        assertThat(ScenarioSettings.reported(balloon, sets)).containsOnlyKeys(BalloonScenario.PAGES, MachineSettings.MEMORY);
        assertThat(ScenarioSettings.reported(balloon, Map.of())).containsOnlyKeys(BalloonScenario.PAGES);
        assertThatThrownBy(() -> ScenarioSettings.validate(balloon, Map.of(BalloonScenario.PAGES, "1000000")))
                .hasMessageContaining("an integer from 1 to 244736");
    }

    @Test
    void theDefaultBalloonKeepsTheDefaultMachine() {
        assertThat(balloon.machineSettings(ScenarioSettings.validate(balloon, Map.of()))).isEqualTo(MachineSettings.defaults());
        assertThat(balloon.machineSettings(ScenarioSettings.validate(balloon, Map.of(BalloonScenario.PAGES, "244736"))))
                .isEqualTo(MachineSettings.defaults());
    }
}
