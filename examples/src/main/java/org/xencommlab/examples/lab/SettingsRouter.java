package org.xencommlab.examples.lab;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.examples.scenario.ScenarioSettings;
import org.xencommlab.machine.wiring.PluginSettings;

/**
 * Routes {@code --set key=value} pairs to whoever declares the key: the arch, the strategy
 * ({@link PluginSettings}, the routing a machine needs) or the scenario, and the machine keys every
 * scenario accepts. A key nobody declares is an error that names every valid key, and the standard
 * scenarios that declare it, if the user chose none of them.
 */
public final class SettingsRouter {
    private SettingsRouter() {}

    /** The pairs of {@code sets} whose keys {@code specs} declare. */
    public static Map<String, String> select(Map<String, String> sets, Collection<ParameterSpec> specs) {
        return PluginSettings.select(sets, specs);
    }

    /** The pairs of {@code sets} for {@code scenario}: its own parameters and the machine keys. */
    public static Map<String, String> selectForScenario(Map<String, String> sets, Scenario scenario) {
        Map<String, String> selected = select(sets, scenario.parameters());
        selected.putAll(ScenarioSettings.machinePart(sets));
        return selected;
    }

    /**
     * Checks every key of {@code sets} is declared by some spec in {@code declared}, or is a machine key.
     *
     * @throws IllegalArgumentException naming the unknown key and the valid ones
     */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared) {
        requireKnown(sets, declared, "");
    }

    /** As {@link #requireKnown(Map, Collection)}, naming {@code context} (" for x86/pointer/balloon") in the error. */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared, String context) {
        PluginSettings.requireKnown(sets, declared, ScenarioSettings.machineKeys(), context, SettingsRouter::scenarioHint);
    }

    /** Where an unknown key is declared among the standard scenarios, as a hint; empty if nowhere. */
    private static String scenarioHint(String key) {
        List<String> owners = ScenarioCatalog.standard().all().stream()
                .filter(scenario -> scenario.parameters().stream().anyMatch(p -> p.name().equals(key)))
                .map(Scenario::name).toList();
        return owners.isEmpty() ? ""
                : "; it is a parameter of scenario " + String.join(", ", owners) + " (add --scenario " + owners.get(0) + ")";
    }
}
