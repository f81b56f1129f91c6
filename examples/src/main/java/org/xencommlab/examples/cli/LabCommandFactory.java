package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import org.xencommlab.examples.wiring.PluginRegistry;
import picocli.CommandLine;

/** Makes the subcommands, handing each the discovered plugins. */
final class LabCommandFactory implements CommandLine.IFactory {
    private final PluginRegistry registry;

    LabCommandFactory(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type == ListCommand.class) {
            return type.cast(new ListCommand(registry));
        }
        return CommandLine.defaultFactory().create(type);
    }
}
