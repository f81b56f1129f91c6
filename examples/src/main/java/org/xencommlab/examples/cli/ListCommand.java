package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code xencomm-lab list}: the discovered archs and strategies, with where each came from (the
 * class path, or a jar in the plugins folder) and their parameters; and the scenarios.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the arch backends and argument strategies found on the class path and in the plugins"
                + " folder, with where each came from, and the scenarios, with their parameters.")
final class ListCommand implements Runnable {
    private final PluginRegistry registry;
    private final ScenarioCatalog catalog;

    @Spec
    private CommandSpec spec;

    ListCommand(PluginRegistry registry, ScenarioCatalog catalog) {
        this.registry = requireNonNull(registry, "registry is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Archs:");
        for (ArchPlugin arch : registry.archs().values()) {
            out.printf("  %-10s %s (%d-byte pages)%n", arch.name(), arch.description(), arch.pageSize().bytes());
            out.printf("      from the %s%n", registry.archOrigin(arch.name()).describe());
            printParameters(out, arch.parameters());
        }
        out.println("Strategies:");
        for (StrategyPlugin strategy : registry.strategies().values()) {
            out.printf("  %-10s %s%n", strategy.name(), strategy.description());
            out.printf("      from the %s%n", registry.strategyOrigin(strategy.name()).describe());
            printParameters(out, strategy.parameters());
        }
        out.println("Scenarios:");
        for (Scenario scenario : catalog.all()) {
            out.printf("  %-16s %s%n", scenario.name(), scenario.summary());
            printParameters(out, scenario.parameters());
        }
        out.flush();
    }

    /** What a parameter accepts: its choices, or its integer range ({@code 1..244736}, {@code 0..}). */
    static String range(ParameterSpec parameter) {
        if (!parameter.allowedValues().isEmpty()) {
            return String.join("|", parameter.allowedValues());
        }
        return parameter.min() + ".." + (parameter.max() == Long.MAX_VALUE ? "" : Long.toString(parameter.max()));
    }

    private static void printParameters(PrintWriter out, Iterable<ParameterSpec> parameters) {
        for (ParameterSpec parameter : parameters) {
            out.printf("      --set %s=<%s> (default %s): %s%n", parameter.name(), range(parameter),
                    parameter.defaultValue(), parameter.description());
        }
    }
}
