package org.xencommlab.examples.scenario;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xencommlab.machine.wiring.UnknownNameException;

/**
 * The scenarios the lab knows, in the order reports show them. To add a scenario, implement
 * {@link Scenario} in this package and list it in {@link #standard()}.
 */
public final class ScenarioCatalog {
    private final Map<String, Scenario> scenarios;

    public ScenarioCatalog(List<Scenario> scenarios) {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            if (byName.putIfAbsent(scenario.name(), scenario) != null) {
                throw new IllegalArgumentException("two scenarios are named " + scenario.name());
            }
        }
        this.scenarios = byName;
    }

    /** Every standard scenario, in report order. */
    public static ScenarioCatalog standard() {
        return new ScenarioCatalog(List.of(
                new BalloonScenario(),
                new Dom0ToolsScenario(),
                new InterleavedScenario(),
                new SpanningScenario(),
                new UnknownSizeScenario(),
                new ProcessDeathScenario(),
                new MemoryPressureScenario(),
                new CompactionScenario(),
                new MulticallScenario(),
                new HeapExhaustionScenario()));
    }

    public List<Scenario> all() {
        return List.copyOf(scenarios.values());
    }

    public List<String> names() {
        return List.copyOf(scenarios.keySet());
    }

    /** The scenario called {@code name}, or an error naming the valid ones. */
    public Scenario get(String name) {
        requireNonNull(name, "name is null");
        Scenario scenario = scenarios.get(name);
        if (scenario == null) {
            throw new UnknownNameException("scenario", name, scenarios.keySet());
        }
        return scenario;
    }
}
