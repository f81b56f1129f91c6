package org.xencommlab.examples.wiring;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.abi.StrategyPlugin;

/**
 * The arch backends and argument strategies found on the class path with {@link ServiceLoader}.
 * Discovery happens here, in the composition root, and only here: a new arch module on the class
 * path appears in the lab with no other change.
 */
public final class PluginRegistry {
    private final Map<String, ArchPlugin> archs;
    private final Map<String, StrategyPlugin> strategies;

    private PluginRegistry(Map<String, ArchPlugin> archs, Map<String, StrategyPlugin> strategies) {
        this.archs = Collections.unmodifiableMap(archs);
        this.strategies = Collections.unmodifiableMap(strategies);
    }

    /** Discovers the plugins visible to this class's class loader. */
    public static PluginRegistry discover() {
        return discover(PluginRegistry.class.getClassLoader());
    }

    /**
     * Discovers the plugins visible to {@code loader}.
     *
     * @throws IllegalStateException when no arch or no strategy is found, or two plugins share a name
     */
    public static PluginRegistry discover(ClassLoader loader) {
        requireNonNull(loader, "loader is null");
        Map<String, ArchPlugin> archs = byName("arch", ServiceLoader.load(ArchPlugin.class, loader), ArchPlugin::name);
        Map<String, StrategyPlugin> strategies =
                byName("strategy", ServiceLoader.load(StrategyPlugin.class, loader), StrategyPlugin::name);
        return new PluginRegistry(archs, strategies);
    }

    private static <P> Map<String, P> byName(String kind, ServiceLoader<P> loader, Function<P, String> name) {
        Map<String, P> found = new TreeMap<>();
        for (P plugin : loader) {
            P previous = found.putIfAbsent(name.apply(plugin), plugin);
            if (previous != null) {
                throw new IllegalStateException("two " + kind + " plugins are named '" + name.apply(plugin) + "': "
                        + previous.getClass().getName() + " and " + plugin.getClass().getName());
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + kind + " plugin found on the class path (META-INF/services/"
                    + (kind.equals("arch") ? ArchPlugin.class.getName() : StrategyPlugin.class.getName()) + ")");
        }
        return found;
    }

    /** Arch plugins by name, sorted. */
    public Map<String, ArchPlugin> archs() {
        return archs;
    }

    /** Strategy plugins by name, sorted. */
    public Map<String, StrategyPlugin> strategies() {
        return strategies;
    }

    public List<String> archNames() {
        return List.copyOf(archs.keySet());
    }

    public List<String> strategyNames() {
        return List.copyOf(strategies.keySet());
    }

    /** The arch called {@code name}, or an error naming the valid ones. */
    public ArchPlugin arch(String name) {
        ArchPlugin plugin = archs.get(name);
        if (plugin == null) {
            throw new UnknownNameException("arch", name, archs.keySet());
        }
        return plugin;
    }

    /** The strategy called {@code name}, or an error naming the valid ones. */
    public StrategyPlugin strategy(String name) {
        StrategyPlugin plugin = strategies.get(name);
        if (plugin == null) {
            throw new UnknownNameException("strategy", name, strategies.keySet());
        }
        return plugin;
    }
}
