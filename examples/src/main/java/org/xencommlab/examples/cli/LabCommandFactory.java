package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import picocli.CommandLine;

/** Makes the subcommands, handing each the discovered plugins. */
final class LabCommandFactory implements CommandLine.IFactory {
    private final PluginRegistry registry;
    private final ScenarioCatalog catalog;

    LabCommandFactory(PluginRegistry registry, ScenarioCatalog catalog) {
        this.registry = requireNonNull(registry, "registry is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type == ListCommand.class) {
            return type.cast(new ListCommand(registry, catalog));
        }
        if (type == CompareCommand.class) {
            return type.cast(new CompareCommand(registry, catalog));
        }
        if (type == FuzzCommand.class) {
            return type.cast(new FuzzCommand(registry));
        }
        if (type == MergeCommand.class) {
            return type.cast(new MergeCommand(registry, catalog));
        }
        if (type == RunCommand.class) {
            return type.cast(new RunCommand(registry, catalog));
        }
        return CommandLine.defaultFactory().create(type);
    }
}
