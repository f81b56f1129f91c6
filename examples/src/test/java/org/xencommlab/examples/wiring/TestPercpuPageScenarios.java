package org.xencommlab.examples.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The percpu-page strategy, found on the class path like the others, runs every standard scenario
 * on x86 and ppc with the results the guests see under {@code pointer} (domains' pages, console
 * output), leaves the hypervisor's audit clean, and never locks or registers a page for an
 * argument: its per-vCPU pages are kernel memory set up once.
 */
final class TestPercpuPageScenarios {
    private record Run(List<Object> visible, long mlockCalls) {}

    private static Run run(RunInjectors injectors, Scenario scenario, LabConfiguration configuration) {
        Parameters parameters = Parameters.of(scenario.parameters(), Map.of());
        MachineSettings settings = scenario.machineSettings(parameters);
        Machine machine = injectors.machine(configuration,
                RunEnvironment.defaults(1).withHypervisor(settings.hypervisor()).withGuest(settings.guest()));
        scenario.run(machine, parameters);
        machine.stopAllProcesses();
        List<Object> visible = new ArrayList<>();
        machine.hypervisor().domains().forEach(d -> visible.add("d" + d.domid() + " pages " + d.totPages()));
        for (var d : machine.hypervisor().domains()) {
            visible.add(new String(machine.hypervisor().console().output(d.domid()), StandardCharsets.ISO_8859_1));
        }
        assertThat(machine.hypervisor().audit()).as(scenario.name() + " on " + configuration).isEmpty();
        return new Run(visible, machine.metrics().get(Counter.MLOCK_CALLS));
    }

    @Test
    void theStandardScenariosUnderPercpuPageGiveTheGuestsWhatPointerGives() {
        RunInjectors injectors = new RunInjectors(PluginRegistry.discover());
        for (Scenario scenario : ScenarioCatalog.standard().all()) {
            if (scenario.name().equals("process-death")) {
                continue; // a tool dies at a scheduling point, and mechanisms reach different numbers of them
            }
            for (String arch : List.of("x86", "ppc")) {
                Run pointer = run(injectors, scenario, LabConfiguration.of(arch, "pointer"));
                Run percpu = run(injectors, scenario, LabConfiguration.of(arch, "percpu-page"));
                assertThat(percpu.visible()).as("%s on %s/percpu-page sees what pointer sees", scenario.name(), arch)
                        .isEqualTo(pointer.visible());
                if (!scenario.name().equals("heap-exhaustion")) {
                    assertThat(percpu.mlockCalls()).as("%s on %s/percpu-page locks nothing", scenario.name(), arch).isZero();
                }
            }
        }
    }
}
