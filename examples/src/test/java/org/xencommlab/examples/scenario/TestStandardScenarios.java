package org.xencommlab.examples.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.Comparison;
import org.xencommlab.examples.report.ReportJson;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The standard scenarios on the four plain configurations {x86, ppc} x {pointer, embedded}: every
 * workload completes and gives the same guest-visible result everywhere; only the counts differ.
 */
final class TestStandardScenarios {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();
    private static final RunInjectors INJECTORS = new RunInjectors(REGISTRY);
    private static final List<LabConfiguration> PLAIN = List.of(
            LabConfiguration.of("x86", "pointer"), LabConfiguration.of("x86", "embedded"),
            LabConfiguration.of("ppc", "pointer"), LabConfiguration.of("ppc", "embedded"));

    /** Runs {@code scenario} with {@code settings} on {@code configuration}; returns the machine after the run. */
    private static Machine run(Scenario scenario, LabConfiguration configuration, Map<String, String> settings) {
        Parameters parameters = Parameters.of(scenario.parameters(), settings);
        MachineSettings machine = scenario.machineSettings(parameters);
        Machine wired = INJECTORS.machine(configuration,
                RunEnvironment.defaults(1).withHypervisor(machine.hypervisor()).withGuest(machine.guest()));
        scenario.run(wired, parameters);
        wired.stopAllProcesses();
        return wired;
    }

    @Test
    void everyWorkloadGivesTheSameGuestVisibleResultInAllFourConfigurations() {
        for (Scenario scenario : ScenarioCatalog.standard().all()) {
            if (scenario.name().equals("process-death")) {
                continue; // a tool dies at a scheduling point, and mechanisms reach different numbers of them
            }
            Map<String, List<Object>> seen = new LinkedHashMap<>();
            for (LabConfiguration configuration : PLAIN) {
                Machine machine = run(scenario, configuration, Map.of());
                List<Object> visible = new ArrayList<>();
                machine.hypervisor().domains().forEach(d -> visible.add("d" + d.domid() + " pages " + d.totPages()));
                for (var d : machine.hypervisor().domains()) {
                    visible.add(new String(machine.hypervisor().console().output(d.domid()), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                seen.put(configuration.label(), visible);
                assertThat(machine.hypervisor().audit()).as(scenario.name() + " on " + configuration).isEmpty();
            }
            List<Object> first = seen.values().iterator().next();
            seen.forEach((label, visible) -> assertThat(visible)
                    .as("%s on %s sees what %s sees", scenario.name(), label, PLAIN.get(0).label())
                    .isEqualTo(first));
        }
    }

    @Test
    void aBalloonOf100000PagesCompletesThroughContinuationsInEveryConfiguration() {
        Scenario balloon = ScenarioCatalog.standard().get("balloon");
        for (LabConfiguration configuration : PLAIN) {
            Machine machine = run(balloon, configuration, Map.of(BalloonScenario.PAGES, "100000"));

            assertThat(machine.metrics().get(Counter.EXTENTS_DONE)).as(configuration.label()).isEqualTo(200_000);
            if (configuration.strategy().equals("pointer")) {
                assertThat(machine.metrics().get(Counter.CONTINUATIONS)).as(configuration.label()).isPositive();
            } else {
                assertThat(machine.metrics().get(Counter.HYPERCALLS)).as("embedded splits it").isGreaterThan(100);
            }
        }
    }

    @Test
    void theWholeDefaultComparisonCompletesValidatesAndIsDeterministic() throws Exception {
        Comparison comparison = new Comparison(List.of(), List.of(), ScenarioCatalog.standard().all(), Map.of(), 1, 1, true);
        ComparisonReport first = comparison.run(INJECTORS, CostModel.defaults(), "test", 2, done -> {});
        ComparisonReport second = comparison.run(INJECTORS, CostModel.defaults(), "test", 1, done -> {});

        String json = ReportJson.write(first);
        assertThat(json).isEqualTo(ReportJson.write(second));
        try (java.io.InputStream schema = ReportJson.openSchema()) {
            assertThat(com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012)
                    .getSchema(schema).validate(new ObjectMapper().readTree(json))).as("schema violations").isEmpty();
        }
        assertThat(first.configurations()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(first.sweeps()).isNotEmpty();
        List<String> failed = first.aggregates().stream().filter(r -> r.outcome() == Outcome.FAILED)
                .map(r -> r.scenario() + " " + r.configuration()).toList();
        assertThat(failed).as("only the variants built to show a problem fail")
                .allMatch(f -> f.contains("cleanup=off") || f.contains("buffers=unlocked") || f.contains("align=none"));
        assertThat(first.aggregates()).hasSize(first.configurations().size() * first.scenarios().size());
        for (org.xencommlab.examples.report.model.Aggregate result : first.aggregates()) {
            if (result.variant().isEmpty()) {
                assertThat(result.outcome()).as(result.scenario() + " " + result.configuration()).isEqualTo(Outcome.OK);
            }
        }
    }

    @Test
    void scenarioParametersNeverShareANameWithAPluginParameter() {
        List<String> pluginKeys = new ArrayList<>();
        REGISTRY.archs().values().stream().map(ArchPlugin::parameters).flatMap(List::stream).map(ParameterSpec::name).forEach(pluginKeys::add);
        REGISTRY.strategies().values().stream().map(StrategyPlugin::parameters).flatMap(List::stream).map(ParameterSpec::name).forEach(pluginKeys::add);
        for (Scenario scenario : ScenarioCatalog.standard().all()) {
            assertThat(scenario.parameters()).extracting(ParameterSpec::name).as(scenario.name()).doesNotContainAnyElementsOf(pluginKeys);
        }
    }
}
