package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.xencommlab.api.plugin.ParameterSpec;

/**
 * Routes {@code --set key=value} pairs to the plugin that declares the key: the arch or the
 * strategy of a configuration. A key nobody declares is an error naming every valid key. What a
 * caller accepts besides the plugins' keys (the lab's scenarios and machine size) it passes in, so
 * that this routing knows no scenario.
 */
public final class PluginSettings {
    private PluginSettings() {}

    /** Checks the keys of a set of {@code --set} pairs against what the chosen plugins declare. */
    @FunctionalInterface
    public interface Check {
        /**
         * @throws IllegalArgumentException naming the unknown key and the valid ones
         */
        void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared);
    }

    /** The pairs of {@code sets} whose keys {@code specs} declare, sorted by key. */
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

    /**
     * Checks every key of {@code sets} is declared by some spec in {@code declared}, and nothing else.
     *
     * @throws IllegalArgumentException naming the unknown key and the valid ones
     */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared) {
        requireKnown(sets, declared, List.of(), "", key -> "");
    }

    /**
     * Checks every key of {@code sets} is declared by some spec in {@code declared} or is one of
     * {@code alsoValid}.
     *
     * @param context said after the key in the error (" for x86/pointer/balloon"), or empty
     * @param elsewhere for an unknown key, a phrase saying where else it is declared (starting
     *        with {@code "; "}), or empty
     * @throws IllegalArgumentException naming the unknown key and the valid ones
     */
    public static void requireKnown(Map<String, String> sets, Collection<ParameterSpec> declared,
            Collection<String> alsoValid, String context, Function<String, String> elsewhere) {
        requireNonNull(context, "context is null");
        requireNonNull(elsewhere, "elsewhere is null");
        TreeSet<String> valid = new TreeSet<>();
        declared.forEach(spec -> valid.add(spec.name()));
        valid.addAll(alsoValid);
        for (String key : sets.keySet()) {
            if (!valid.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'" + context + elsewhere.apply(key)
                        + "; valid: " + (valid.isEmpty() ? "none" : String.join(", ", valid)));
            }
        }
    }
}
