package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One configuration of the lab: an arch backend, an argument strategy, and the parameters given to
 * each (only the ones a user set; the plugins supply defaults).
 *
 * @param arch the arch plugin's name
 * @param strategy the strategy plugin's name
 * @param archParameters parameters for the arch, sorted by name
 * @param strategyParameters parameters for the strategy, sorted by name
 */
public record LabConfiguration(String arch, String strategy, Map<String, String> archParameters,
        Map<String, String> strategyParameters) {
    public LabConfiguration {
        requireNonNull(arch, "arch is null");
        requireNonNull(strategy, "strategy is null");
        archParameters = Map.copyOf(archParameters);
        strategyParameters = Map.copyOf(strategyParameters);
    }

    public static LabConfiguration of(String arch, String strategy) {
        return new LabConfiguration(arch, strategy, Map.of(), Map.of());
    }

    /** All parameters set, arch and strategy together, sorted by name. */
    public Map<String, String> parameters() {
        Map<String, String> all = new TreeMap<>(archParameters);
        all.putAll(strategyParameters);
        return all;
    }

    /** A short label, e.g. {@code ppc/pointer [cleanup=off]}. */
    public String label() {
        Map<String, String> all = parameters();
        String base = arch + "/" + strategy;
        if (all.isEmpty()) {
            return base;
        }
        return base + " [" + all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")) + "]";
    }

    @Override
    public String toString() {
        return label();
    }
}
