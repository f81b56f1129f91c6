package org.xencommlab.examples.lab;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.examples.scenario.ScenarioSettings;

/**
 * Routes {@code --set key=value} pairs to whoever declares the key: the arch, the strategy or the
 * scenario. A key nobody declares is an error that names every valid key, and the standard
 * scenarios that declare it, if the user chose none of them.
 */
public final class SettingsRouter {
    private SettingsRouter() {}

    /** The pairs of {@code sets} whose keys {@code specs} declare. */
    public static Map<String, String> select(Map<String, String> sets, Collection<ParameterSpec> specs) {
        Map<String, String> selected = new TreeMap<>();
        for (ParameterSpec spec : specs) {
            String value = sets.get(spec.name());
            if (value != null) {
                selected.put(spec.name(), value);
            }
        }
        return selected;
    }

    /** The pairs of {@code sets} for {@code scenario}: its own parameters and the machine keys. */
    public static Map<String, String> selectForScenario(Map<String, String> sets, Scenario scenario) {
        Map<String, String> selected = select(sets, scenario.parameters());
        selected.putAll(ScenarioSettings.machinePart(sets));
        return selected;
    }

    /**
     * Checks every key of {@code sets} is declared by some spec in {@code declared}.
     *
     * @throws IllegalArgumentException naming the unknown key and the valid ones
     */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared) {
        requireKnown(sets, declared, "");
    }

    /** As {@link #requireKnown(Map, Collection)}, naming {@code context} (" for x86/pointer/balloon") in the error. */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared, String context) {
        TreeSet<String> valid = new TreeSet<>();
        declared.forEach(spec -> valid.add(spec.name()));
        valid.addAll(ScenarioSettings.machineKeys());
        for (String key : sets.keySet()) {
            if (!valid.contains(key)) {
                List<String> owners = ScenarioCatalog.standard().all().stream()
                        .filter(scenario -> scenario.parameters().stream().anyMatch(p -> p.name().equals(key)))
                        .map(Scenario::name).toList();
                String elsewhere = owners.isEmpty() ? ""
                        : "; it is a parameter of scenario " + String.join(", ", owners) + " (add --scenario "
                                + owners.get(0) + ")";
                throw new IllegalArgumentException("unknown setting '" + key + "'" + context + elsewhere + "; valid: "
                        + (valid.isEmpty() ? "none" : String.join(", ", valid)));
            }
        }
    }
}
