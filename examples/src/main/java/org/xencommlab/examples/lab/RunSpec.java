package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.machine.wiring.LabConfiguration;

/**
 * One run to do: a scenario with its parameters, on a configuration, with a seed.
 *
 * @param configuration the arch, strategy and their parameters
 * @param scenario the workload
 * @param scenarioParameters the scenario parameters set by the user (defaults fill the rest)
 * @param seed the run's seed
 */
public record RunSpec(LabConfiguration configuration, Scenario scenario, Map<String, String> scenarioParameters, long seed) {
    public RunSpec {
        requireNonNull(configuration, "configuration is null");
        requireNonNull(scenario, "scenario is null");
        scenarioParameters = Map.copyOf(new TreeMap<>(scenarioParameters));
    }
}
