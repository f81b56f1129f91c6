package org.xencommlab.hostile.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.PluginSettings;

/**
 * The configurations a fuzz session attacks, chosen as {@code compare} chooses them: every named
 * (or discovered) arch x strategy; with no arch or strategy parameter set, each arch's built-in
 * variants as well; with some set, exactly those values.
 */
public final class FuzzConfigurations {
    private FuzzConfigurations() {}

    /**
     * The configurations of {@code archs} x {@code strategies}, where every key of {@code settings}
     * must be an arch's or a strategy's parameter.
     *
     * @param variants whether to add each arch's built-in variants when no parameter is set
     * @throws IllegalArgumentException for an unknown parameter or value (one line, naming what is valid)
     * @throws org.xencommlab.machine.wiring.UnknownNameException for an unknown arch or strategy
     */
    public static List<LabConfiguration> of(PluginRegistry registry, List<String> archs, List<String> strategies,
            Map<String, String> settings, boolean variants) {
        return of(registry, archs, strategies, settings, variants, PluginSettings::requireKnown);
    }

    /**
     * As {@link #of(PluginRegistry, List, List, Map, boolean)}, with the keys of {@code settings}
     * checked by {@code check} (a command line that takes keys for other parts of the lab too
     * checks them as it does everywhere else; keys no plugin declares are then ignored here).
     */
    public static List<LabConfiguration> of(PluginRegistry registry, List<String> archs, List<String> strategies,
            Map<String, String> settings, boolean variants, PluginSettings.Check check) {
        List<String> archNames = archs.isEmpty() ? registry.archNames() : archs.stream().distinct().toList();
        List<String> strategyNames = strategies.isEmpty() ? registry.strategyNames() : strategies.stream().distinct().toList();
        List<ParameterSpec> declared = new ArrayList<>();
        archNames.forEach(name -> declared.addAll(registry.arch(name).parameters()));
        strategyNames.forEach(name -> declared.addAll(registry.strategy(name).parameters()));
        check.requireKnown(settings, declared);
        LinkedHashSet<LabConfiguration> result = new LinkedHashSet<>();
        for (String archName : archNames) {
            ArchPlugin arch = registry.arch(archName);
            Map<String, String> archSets = PluginSettings.select(settings, arch.parameters());
            Parameters.of(arch.parameters(), archSets);
            for (String strategyName : strategyNames) {
                StrategyPlugin strategy = registry.strategy(strategyName);
                Map<String, String> strategySets = PluginSettings.select(settings, strategy.parameters());
                Parameters.of(strategy.parameters(), strategySets);
                result.add(new LabConfiguration(archName, strategyName, archSets, strategySets));
                if (variants && settings.isEmpty()) {
                    for (Map<String, String> variant : arch.variants()) {
                        result.add(new LabConfiguration(archName, strategyName, variant, strategySets));
                    }
                }
            }
        }
        return List.copyOf(result);
    }
}
