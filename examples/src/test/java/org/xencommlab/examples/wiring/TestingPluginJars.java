package org.xencommlab.examples.wiring;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.xencommlab.api.plugin.SpiVersion;

/**
 * Plugin jars made at test time: compiled test classes (with their nested classes) copied into a
 * jar with {@code META-INF/services} entries and a manifest, as a plugin module's build makes them.
 * And {@link #builtInOnly()}, the test class path with those classes hidden, so that a jar's
 * classes are loaded from the jar and not found on the class path first.
 */
public final class TestingPluginJars {
    private final String fileName;
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final List<Class<?>> classes = new ArrayList<>();
    private String spiVersion = Integer.toString(SpiVersion.CURRENT);

    private TestingPluginJars(String fileName) {
        this.fileName = fileName;
    }

    /** A jar called {@code fileName}, of this SPI version, holding nothing yet. */
    public static TestingPluginJars jar(String fileName) {
        return new TestingPluginJars(fileName);
    }

    /** Lists {@code provider} for {@code service} in META-INF/services and puts its classes in the jar. */
    public TestingPluginJars provides(Class<?> service, Class<?> provider) {
        services.computeIfAbsent(service.getName(), name -> new ArrayList<>()).add(provider.getName());
        return holding(provider);
    }

    /** Lists a class name for {@code service} without putting any class in the jar. */
    public TestingPluginJars lists(Class<?> service, String className) {
        services.computeIfAbsent(service.getName(), name -> new ArrayList<>()).add(className);
        return this;
    }

    /** Puts {@code type} and its nested classes in the jar. */
    public TestingPluginJars holding(Class<?> type) {
        classes.add(type);
        return this;
    }

    /** The manifest's SPI version; {@code null} for no attribute. */
    public TestingPluginJars spiVersion(String version) {
        this.spiVersion = version;
        return this;
    }

    /** Writes the jar into {@code folder} and returns its path. */
    public Path writeTo(Path folder) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (spiVersion != null) {
            manifest.getMainAttributes().put(new Attributes.Name(SpiVersion.MANIFEST_ATTRIBUTE), spiVersion);
        }
        Path jar = folder.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Map.Entry<String, List<String>> service : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
                out.write((String.join("\n", service.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Class<?> type : classes) {
                for (Path classFile : classFiles(type)) {
                    String packagePath = type.getPackageName().replace('.', '/');
                    out.putNextEntry(new JarEntry(packagePath + "/" + classFile.getFileName()));
                    out.write(Files.readAllBytes(classFile));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** The class file of {@code type} and those of its nested and anonymous classes. */
    private static List<Path> classFiles(Class<?> type) throws IOException {
        Path root;
        try {
            root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Path directory = root.resolve(type.getPackageName().replace('.', '/'));
        String simple = type.getSimpleName();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.equals(simple + ".class") || (name.startsWith(simple + "$") && name.endsWith(".class"));
            }).sorted().toList();
        }
    }

    /**
     * The test class path without the test plugin classes of this package (every {@code Testing*}
     * class here), as the lab's own class path is without them: discovery through it finds the
     * built-in plugins, and a plugin jar's classes are defined by the plugin class loader.
     */
    public static ClassLoader builtInOnly() {
        return new HidingClassLoader(TestingPluginJars.class.getClassLoader());
    }

    private static final class HidingClassLoader extends ClassLoader {
        private static final String PREFIX = TestingPluginJars.class.getPackageName() + ".Testing";

        HidingClassLoader(ClassLoader parent) {
            super("test-class-path-without-test-plugins", parent);
        }

        private static boolean hidden(String className) {
            return className.startsWith(PREFIX);
        }

        private static boolean hiddenResource(String resource) {
            return resource.endsWith(".class") && hidden(resource.substring(0, resource.length() - 6).replace('/', '.'));
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (hidden(name)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return hiddenResource(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return hiddenResource(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
