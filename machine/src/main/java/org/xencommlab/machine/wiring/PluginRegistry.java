package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;

/**
 * The arch backends and argument strategies found with {@link ServiceLoader}: on the class path,
 * and (through {@link PluginFolder}) in the jars of a plugins folder. Discovery happens here, in
 * the composition root, and only here: a new arch module on the class path or in the plugins
 * folder appears in the lab with no other change. Each plugin's {@link PluginOrigin} says where it
 * came from.
 */
public final class PluginRegistry {
    private final ClassLoader loader;
    private final Map<String, ArchPlugin> archs;
    private final Map<String, StrategyPlugin> strategies;
    private final Map<String, PluginOrigin> archOrigins;
    private final Map<String, PluginOrigin> strategyOrigins;

    private PluginRegistry(ClassLoader loader, Found<ArchPlugin> archs, Found<StrategyPlugin> strategies) {
        this.loader = loader;
        this.archs = Collections.unmodifiableMap(archs.plugins);
        this.strategies = Collections.unmodifiableMap(strategies.plugins);
        this.archOrigins = Collections.unmodifiableMap(archs.origins);
        this.strategyOrigins = Collections.unmodifiableMap(strategies.origins);
    }

    /** Discovers the plugins visible to this class's class loader. */
    public static PluginRegistry discover() {
        return discover(PluginRegistry.class.getClassLoader());
    }

    /**
     * Discovers the plugins visible to {@code loader}, all of them counted as from the class path.
     *
     * @throws IllegalStateException when no arch or no strategy is found, or two plugins share a name
     */
    public static PluginRegistry discover(ClassLoader loader) {
        return discover(loader, PluginOrigin::classPath);
    }

    /**
     * Discovers the plugins visible to {@code loader}, asking {@code originOf} where each plugin
     * class came from.
     *
     * @throws IllegalStateException when no arch or no strategy is found, or two plugins share a name
     */
    static PluginRegistry discover(ClassLoader loader, Function<Class<?>, PluginOrigin> originOf) {
        requireNonNull(loader, "loader is null");
        requireNonNull(originOf, "originOf is null");
        Found<ArchPlugin> archs = byName("arch", ArchPlugin.class, loader, ArchPlugin::name, originOf);
        Found<StrategyPlugin> strategies = byName("strategy", StrategyPlugin.class, loader, StrategyPlugin::name, originOf);
        return new PluginRegistry(loader, archs, strategies);
    }

    /**
     * A registry of exactly the arch plugins {@code archs}, given as instances, beside the strategies
     * discovered through {@code loader}: for a test that runs a machine on an arch it names itself,
     * such as a fixture arch that no {@code META-INF/services} file lists. Each arch's origin is the
     * class path entry its class was read from.
     *
     * @throws IllegalArgumentException when {@code archs} is empty or two of them share a name
     * @throws IllegalStateException when no strategy is found, or two strategies share a name
     */
    public static PluginRegistry withArchs(List<? extends ArchPlugin> archs, ClassLoader loader) {
        requireNonNull(archs, "archs is null");
        requireNonNull(loader, "loader is null");
        if (archs.isEmpty()) {
            throw new IllegalArgumentException("no arch plugin given");
        }
        Map<String, ArchPlugin> found = new TreeMap<>();
        Map<String, PluginOrigin> origins = new TreeMap<>();
        for (ArchPlugin arch : archs) {
            ArchPlugin previous = found.putIfAbsent(arch.name(), arch);
            if (previous != null) {
                throw new IllegalArgumentException("two arch plugins are named '" + arch.name() + "': "
                        + previous.getClass().getName() + " and " + arch.getClass().getName());
            }
            origins.put(arch.name(), PluginOrigin.classPath(arch.getClass()));
        }
        Found<StrategyPlugin> strategies = byName("strategy", StrategyPlugin.class, loader, StrategyPlugin::name,
                PluginOrigin::classPath);
        return new PluginRegistry(loader, new Found<>(found, origins), strategies);
    }

    private record Found<P>(Map<String, P> plugins, Map<String, PluginOrigin> origins) {}

    private static <P> Found<P> byName(String kind, Class<P> service, ClassLoader loader, Function<P, String> name,
            Function<Class<?>, PluginOrigin> originOf) {
        Map<String, P> found = new TreeMap<>();
        Map<String, PluginOrigin> origins = new TreeMap<>();
        for (P plugin : ServiceLoader.load(service, loader)) {
            String pluginName = name.apply(plugin);
            PluginOrigin origin = originOf.apply(plugin.getClass());
            P previous = found.putIfAbsent(pluginName, plugin);
            if (previous != null) {
                throw new IllegalStateException("two " + kind + " plugins are named '" + pluginName + "': "
                        + previous.getClass().getName() + " from the " + origins.get(pluginName).describe() + " and "
                        + plugin.getClass().getName() + " from the " + origin.describe());
            }
            origins.put(pluginName, origin);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + kind + " plugin found on the class path (META-INF/services/"
                    + service.getName() + ")");
        }
        return new Found<>(found, origins);
    }

    /** The class loader the plugins were discovered through. */
    public ClassLoader loader() {
        return loader;
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

    /** Where the arch called {@code name} came from, or an error naming the valid ones. */
    public PluginOrigin archOrigin(String name) {
        arch(name);
        return archOrigins.get(name);
    }

    /** Where the strategy called {@code name} came from, or an error naming the valid ones. */
    public PluginOrigin strategyOrigin(String name) {
        strategy(name);
        return strategyOrigins.get(name);
    }
}
