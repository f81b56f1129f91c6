package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.function.BiFunction;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.SpiVersion;

/**
 * The jars of a plugins folder, loaded through one class loader made here, in the composition
 * root, whose parent is the class loader of the built-in plugins: {@link #registry()} holds the
 * class path's archs and strategies and the folder's together, each with its {@link PluginOrigin}.
 *
 * <p>Every entry of the folder but hidden ones (a name starting with {@code .}) must be a plugin
 * jar: a readable jar, whose manifest names {@link SpiVersion#CURRENT} under
 * {@link SpiVersion#MANIFEST_ATTRIBUTE}, that lists at least one class in
 * {@code META-INF/services/} for {@link ArchPlugin} or {@link StrategyPlugin}, contains every class
 * it lists, and shares none of them with the class path or another jar. Each plugin's name must be
 * new. Anything else is a {@link PluginLoadException} with one line naming the file, and leaves
 * nothing loaded: the class loader is closed before it is thrown. {@link #close()} closes it after
 * use.
 */
public final class PluginFolder implements AutoCloseable {
    private static final List<String> SERVICES = List.of(ArchPlugin.class.getName(), StrategyPlugin.class.getName());

    private final List<Path> jars;
    private final PluginRegistry registry;
    private final URLClassLoader loader;

    private PluginFolder(List<Path> jars, PluginRegistry registry, URLClassLoader loader) {
        this.jars = List.copyOf(jars);
        this.registry = registry;
        this.loader = loader;
    }

    /**
     * Loads the plugin jars in {@code folder} beside the plugins of {@code builtIn}.
     *
     * @param folder the plugins folder; {@code null} for none
     * @param explicit whether the user named the folder ({@code --plugins}): then it must exist; the
     *        default folder may be missing, and then nothing is loaded
     * @param builtIn the class path's plugins; the folder's class loader is a child of its loader
     * @throws PluginLoadException for bad plugin input, after closing whatever it had opened
     */
    public static PluginFolder load(Path folder, boolean explicit, PluginRegistry builtIn) {
        return load(folder, explicit, builtIn, PluginFolder::newLoader);
    }

    /**
     * As {@link #load(Path, boolean, PluginRegistry)}, making the one class loader with
     * {@code newLoader} from the jars' URLs and the parent loader (a test keeps the loader to see
     * that it was closed).
     */
    public static PluginFolder load(Path folder, boolean explicit, PluginRegistry builtIn,
            BiFunction<URL[], ClassLoader, URLClassLoader> newLoader) {
        requireNonNull(builtIn, "builtIn is null");
        requireNonNull(newLoader, "newLoader is null");
        if (folder == null || (!explicit && !Files.exists(folder))) {
            return new PluginFolder(List.of(), builtIn, null);
        }
        String named = explicit ? "--plugins " + folder : "the plugins folder " + folder;
        if (!Files.exists(folder)) {
            throw new PluginLoadException(named + ": no such directory");
        }
        if (!Files.isDirectory(folder)) {
            throw new PluginLoadException(named + " is not a directory");
        }
        List<Path> jars = jarsIn(folder, named);
        if (jars.isEmpty()) {
            return new PluginFolder(List.of(), builtIn, null);
        }
        ClassLoader parent = builtIn.loader();
        Map<String, Path> providers = new LinkedHashMap<>();
        for (Path jar : jars) {
            check(jar, parent, providers);
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = url(jars.get(i));
        }
        URLClassLoader loader = newLoader.apply(urls, parent);
        try {
            Map<Path, Path> byLocation = new LinkedHashMap<>();
            for (Path jar : jars) {
                byLocation.put(jar.toAbsolutePath().normalize(), jar);
            }
            PluginRegistry registry = PluginRegistry.discover(loader, type -> originOf(type, loader, byLocation));
            return new PluginFolder(jars, registry, loader);
        } catch (IllegalStateException e) {
            closeQuietly(loader, e);
            throw new PluginLoadException(e.getMessage());
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            closeQuietly(loader, e);
            throw new PluginLoadException("a plugin in " + folder + " cannot be loaded: " + oneLine(e));
        }
    }

    private static PluginOrigin originOf(Class<?> type, ClassLoader loader, Map<Path, Path> jars) {
        if (type.getClassLoader() != loader) {
            return PluginOrigin.classPath(type);
        }
        Optional<Path> location = PluginOrigin.locationOf(type);
        Path jar = location.map(path -> jars.get(path.toAbsolutePath().normalize())).orElse(null);
        if (jar == null) {
            throw new IllegalStateException("plugin class " + type.getName() + " was loaded from none of the plugin jars");
        }
        return PluginOrigin.pluginJar(jar);
    }

    /** The folder's plugin jars, by name; fails on anything else but hidden entries. */
    private static List<Path> jarsIn(Path folder, String named) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(folder)) {
            entries = list.filter(entry -> !entry.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(entry -> entry.getFileName().toString())).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new PluginLoadException("cannot read " + named + ": " + oneLine(e));
        }
        List<Path> jars = new ArrayList<>();
        for (Path entry : entries) {
            if (!Files.isRegularFile(entry) || !entry.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                throw new PluginLoadException(entry + " is not a jar file; a plugins folder holds plugin jars only");
            }
            jars.add(entry);
        }
        return jars;
    }

    /**
     * Checks one jar without loading a class from it: readable, of this SPI version, a plugin, holding
     * what it lists, and listing no provider the class path or an earlier jar already has.
     */
    private static void check(Path jar, ClassLoader parent, Map<String, Path> providers) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            List<String> listed = new ArrayList<>();
            for (String service : SERVICES) {
                JarEntry entry = file.getJarEntry("META-INF/services/" + service);
                if (entry != null) {
                    try (InputStream in = file.getInputStream(entry)) {
                        listed.addAll(providerNames(in));
                    }
                }
            }
            if (listed.isEmpty()) {
                throw new PluginLoadException(jar + " is not a plugin: it lists no class in META-INF/services/"
                        + SERVICES.get(0) + " or META-INF/services/" + SERVICES.get(1));
            }
            checkVersion(jar, file.getManifest());
            for (String provider : listed) {
                String classFile = provider.replace('.', '/') + ".class";
                if (file.getJarEntry(classFile) == null) {
                    throw new PluginLoadException(jar + " lists the plugin class " + provider
                            + " in META-INF/services but does not contain it");
                }
                if (parent.getResource(classFile) != null) {
                    throw new PluginLoadException(jar + " holds the plugin class " + provider
                            + ", which is already on the class path: the same plugin twice");
                }
                Path earlier = providers.putIfAbsent(provider, jar);
                if (earlier != null && !earlier.equals(jar)) {
                    throw new PluginLoadException(jar + " and " + earlier + " both hold the plugin class " + provider
                            + ": the same plugin twice");
                }
            }
        } catch (IOException | SecurityException e) {
            throw new PluginLoadException(jar + " is not a readable jar: " + oneLine(e));
        }
    }

    private static void checkVersion(Path jar, Manifest manifest) {
        String version = manifest == null ? null : manifest.getMainAttributes().getValue(new Attributes.Name(SpiVersion.MANIFEST_ATTRIBUTE));
        if (version == null) {
            throw new PluginLoadException(jar + " does not say which plugin SPI it was built against (no "
                    + SpiVersion.MANIFEST_ATTRIBUTE + " in its manifest); this lab's SPI version is " + SpiVersion.CURRENT);
        }
        if (!version.strip().equals(Integer.toString(SpiVersion.CURRENT))) {
            throw new PluginLoadException(jar + " was built against plugin SPI version " + version.strip()
                    + "; this lab's is " + SpiVersion.CURRENT + " (rebuild the plugin against this lab's api)");
        }
    }

    /** The class names a {@code META-INF/services} file lists ({@code #} starts a comment). */
    static List<String> providerNames(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            int comment = line.indexOf('#');
            String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static URL url(Path jar) {
        try {
            return jar.toAbsolutePath().normalize().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginLoadException(jar + " cannot be named by a URL: " + oneLine(e));
        }
    }

    private static URLClassLoader newLoader(URL[] urls, ClassLoader parent) {
        return new URLClassLoader("xencomm-lab-plugins", urls, parent);
    }

    private static void closeQuietly(URLClassLoader loader, Throwable cause) {
        try {
            loader.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** A failure in one line: its message (and its cause's), with the type for an error of linkage. */
    private static String oneLine(Throwable e) {
        StringBuilder line = new StringBuilder();
        if (e instanceof LinkageError || e.getMessage() == null) {
            line.append(e.getClass().getSimpleName());
        }
        if (e.getMessage() != null) {
            line.append(line.length() > 0 ? ": " : "").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            line.append(" (").append(cause.getClass().getSimpleName())
                    .append(cause.getMessage() == null ? "" : ": " + cause.getMessage()).append(')');
        }
        String text = line.toString();
        return text.lines().map(String::strip).filter(part -> !part.isEmpty()).reduce((a, b) -> a + " " + b).orElse(text);
    }

    /** The plugin jars loaded, by name; empty when the folder is missing (the default) or empty. */
    public List<Path> jars() {
        return jars;
    }

    /** The class path's plugins and the folder's together. */
    public PluginRegistry registry() {
        return registry;
    }

    /** Closes the folder's class loader; a no-op when nothing was loaded. */
    @Override
    public void close() {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the plugins' class loader", e);
            }
        }
    }
}
