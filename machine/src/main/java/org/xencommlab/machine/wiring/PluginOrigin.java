package org.xencommlab.machine.wiring;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where a discovered arch or strategy came from: the lab's own class path (the built-in modules,
 * or a jar a user put on the class path), or a jar in the plugins folder.
 *
 * @param pluginJar the plugins-folder jar the plugin was loaded from; empty for the class path
 * @param location the jar or directory the plugin's class was read from, when the JVM says
 */
public record PluginOrigin(Optional<Path> pluginJar, Optional<Path> location) {
    public PluginOrigin {
        pluginJar = pluginJar == null ? Optional.empty() : pluginJar;
        location = location == null ? Optional.empty() : location;
    }

    /** The class path origin of {@code type}, naming the jar or directory it was read from if known. */
    public static PluginOrigin classPath(Class<?> type) {
        return new PluginOrigin(Optional.empty(), locationOf(type));
    }

    /** A plugin loaded from {@code jar} in the plugins folder. */
    public static PluginOrigin pluginJar(Path jar) {
        return new PluginOrigin(Optional.of(jar), Optional.of(jar));
    }

    /** Whether the plugin came from the plugins folder. */
    public boolean fromPluginsFolder() {
        return pluginJar.isPresent();
    }

    /**
     * One phrase for {@code list} and error messages: {@code class path (NAME.jar)} or
     * {@code plugins folder (PATH)}.
     */
    public String describe() {
        if (pluginJar.isPresent()) {
            return "plugins folder (" + pluginJar.get() + ")";
        }
        return location.map(path -> "class path (" + path.getFileName() + ")").orElse("class path");
    }

    static Optional<Path> locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
