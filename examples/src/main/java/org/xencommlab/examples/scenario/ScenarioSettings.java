package org.xencommlab.examples.scenario;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;

/**
 * A scenario's settings as the user gave them: the scenario's own parameters plus the machine-wide
 * ones ({@link MachineSettings#MEMORY}), which every scenario accepts. The machine's size decides
 * the scenario's ranges ({@link Scenario#parameters(long)}). A machine setting the user did not
 * give is not reported, so reports of default machines are as they always were.
 */
public final class ScenarioSettings {
    private ScenarioSettings() {}

    /** The keys every scenario accepts besides its own parameters. */
    public static List<String> machineKeys() {
        return List.of(MachineSettings.MEMORY);
    }

    /** The machine's memory in bytes {@code sets} asks for, or the default machine's. */
    public static long machineMemoryBytes(Map<String, String> sets) {
        String memory = sets.get(MachineSettings.MEMORY);
        return memory == null ? MachineSettings.defaults().hypervisor().machineMemoryBytes() : MachineSettings.parseMemory(memory);
    }

    /** The pairs of {@code sets} that are the scenario's own (machine keys removed). */
    public static Map<String, String> scenarioPart(Map<String, String> sets) {
        Map<String, String> part = new TreeMap<>(sets);
        part.keySet().removeAll(machineKeys());
        return part;
    }

    /** The pairs of {@code sets} that set up the machine. */
    public static Map<String, String> machinePart(Map<String, String> sets) {
        Map<String, String> part = new TreeMap<>(sets);
        part.keySet().retainAll(machineKeys());
        return part;
    }

    /** The scenario's parameters on the machine {@code sets} asks for. */
    public static List<ParameterSpec> parameters(Scenario scenario, Map<String, String> sets) {
        return scenario.parameters(machineMemoryBytes(sets));
    }

    /**
     * Validates {@code sets} (machine keys and the scenario's own) for {@code scenario}.
     *
     * @return the scenario's parameters, defaults filled in
     * @throws IllegalArgumentException naming the bad key or value and what is valid
     */
    public static Parameters validate(Scenario scenario, Map<String, String> sets) {
        requireNonNull(scenario, "scenario is null");
        return Parameters.of(parameters(scenario, sets), scenarioPart(sets));
    }

    /** The machine {@code scenario} runs on with {@code sets}: its own settings, sized as asked. */
    public static MachineSettings machine(Scenario scenario, Parameters parameters, Map<String, String> sets) {
        MachineSettings settings = scenario.machineSettings(parameters);
        return sets.containsKey(MachineSettings.MEMORY) ? settings.withMemoryBytes(machineMemoryBytes(sets)) : settings;
    }

    /** What a report shows: every scenario parameter (defaults filled in) and the machine keys given. */
    public static Map<String, String> reported(Scenario scenario, Map<String, String> sets) {
        Map<String, String> shown = new TreeMap<>(validate(scenario, sets).all());
        shown.putAll(machinePart(sets));
        return shown;
    }
}
