package org.xencommlab.examples.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.cli.XencommLabCommand;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The strategy axis is open: a strategy added to the class path through a class loader appears in
 * {@code list}, is wired into a run like the built-in ones, and the standard scenarios under it
 * give the guests the same results as under {@code pointer} (and so as under {@code embedded}, which
 * {@code TestStandardScenarios} holds to the same results).
 */
final class TestStrategyDiscovery {
    private static List<Object> visibleResult(RunInjectors injectors, Scenario scenario, LabConfiguration configuration) {
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
        return visible;
    }

    @Test
    void aStrategyAddedThroughAClassLoaderRunsTheStandardScenariosWithTheSameResults(@TempDir Path extraClassPath) throws IOException {
        Path services = extraClassPath.resolve("META-INF/services/" + StrategyPlugin.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, TestingRegistryStrategyPlugin.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {extraClassPath.toUri().toURL()},
                TestStrategyDiscovery.class.getClassLoader())) {
            PluginRegistry registry = PluginRegistry.discover(loader);
            assertThat(registry.strategyNames()).containsExactly("embedded", "percpu-page", "pointer", "testing-registry");

            StringWriter out = new StringWriter();
            int code = XencommLabCommand.commandLine(registry, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                    .execute("list");
            assertThat(code).isZero();
            assertThat(out.toString()).contains("testing-registry", "a third strategy built on the codec registry alone");

            RunInjectors injectors = new RunInjectors(registry);
            for (Scenario scenario : ScenarioCatalog.standard().all()) {
                if (scenario.name().equals("process-death")) {
                    continue; // a tool dies at a scheduling point, and mechanisms reach different numbers of them
                }
                for (String arch : List.of("x86", "ppc")) {
                    List<Object> pointer = visibleResult(injectors, scenario, LabConfiguration.of(arch, "pointer"));
                    List<Object> third = visibleResult(injectors, scenario, LabConfiguration.of(arch, "testing-registry"));
                    assertThat(third).as("%s on %s/testing-registry sees what pointer sees", scenario.name(), arch).isEqualTo(pointer);
                }
            }
        }
    }
}
