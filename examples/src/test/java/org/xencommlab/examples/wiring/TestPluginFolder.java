package org.xencommlab.examples.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.SpiVersion;
import org.xencommlab.machine.wiring.PluginFolder;
import org.xencommlab.machine.wiring.PluginLoadException;
import org.xencommlab.machine.wiring.PluginOrigin;
import org.xencommlab.machine.wiring.PluginRegistry;

/**
 * A plugins folder: its jars are loaded through one class loader beside the class path's plugins,
 * each plugin knows where it came from, and bad input is one line with nothing left loaded.
 */
final class TestPluginFolder {
    private static final PluginRegistry BUILT_IN = PluginRegistry.discover(TestingPluginJars.builtInOnly());

    /** Makes the folder's class loaders as the lab does, and keeps them to look at afterwards. */
    private static final class RecordingLoaders implements BiFunction<URL[], ClassLoader, URLClassLoader> {
        final List<URLClassLoader> made = new ArrayList<>();

        @Override
        public URLClassLoader apply(URL[] urls, ClassLoader parent) {
            URLClassLoader loader = new URLClassLoader(urls, parent);
            made.add(loader);
            return loader;
        }
    }

    private static void assertClosed(URLClassLoader loader, String entryInTheJar) {
        // An open URLClassLoader finds its jars' entries; a closed one finds nothing.
        assertThat(loader.findResource(entryInTheJar)).as("a closed loader finds nothing").isNull();
    }

    @Test
    void theClassPathsPluginsAreBuiltInAndSayWhereTheyCameFrom() {
        assertThat(BUILT_IN.archNames()).containsExactly("cvm", "ppc", "x86");
        PluginOrigin x86 = BUILT_IN.archOrigin("x86");
        assertThat(x86.fromPluginsFolder()).isFalse();
        assertThat(x86.describe()).startsWith("class path");
        assertThat(BUILT_IN.strategyOrigin("pointer").fromPluginsFolder()).isFalse();
    }

    @Test
    void goodJarsJoinTheBuiltInPluginsThroughOneLoaderWithTheirJarAsOrigin(@TempDir Path folder) throws IOException {
        Path arch = TestingPluginJars.jar("testing-arch.jar").provides(ArchPlugin.class, TestingArchPlugin.class)
                .provides(ArchPlugin.class, TestingDelegatingArchPlugin.class).writeTo(folder);
        Path strategy = TestingPluginJars.jar("testing-strategy.jar")
                .provides(StrategyPlugin.class, TestingRegistryStrategyPlugin.class).writeTo(folder);
        Files.writeString(folder.resolve(".hidden-notes"), "hidden entries are skipped");
        RecordingLoaders loaders = new RecordingLoaders();

        try (PluginFolder plugins = PluginFolder.load(folder, true, BUILT_IN, loaders)) {
            PluginRegistry registry = plugins.registry();

            assertThat(plugins.jars()).containsExactly(arch, strategy);
            assertThat(loaders.made).hasSize(1);
            assertThat(registry.archNames()).containsExactly("cvm", "ppc", "testing-16k", "testing-x86-twin", "x86");
            assertThat(registry.strategyNames()).containsExactly("embedded", "percpu-page", "pointer", "testing-registry");
            assertThat(registry.arch("testing-16k").getClass().getClassLoader()).isSameAs(loaders.made.get(0));
            assertThat(registry.strategy("testing-registry").getClass().getClassLoader()).isSameAs(loaders.made.get(0));
            assertThat(registry.archOrigin("testing-16k")).isEqualTo(PluginOrigin.pluginJar(arch));
            assertThat(registry.strategyOrigin("testing-registry").describe()).isEqualTo("plugins folder (" + strategy + ")");
            assertThat(registry.archOrigin("x86").fromPluginsFolder()).isFalse();
            assertThat(loaders.made.get(0).findResource("META-INF/services/" + ArchPlugin.class.getName()))
                    .as("an open loader finds its jars' entries").isNotNull();
        }
        assertClosed(loaders.made.get(0), "META-INF/services/" + ArchPlugin.class.getName());
    }

    @Test
    void aMissingDefaultFolderOrAnEmptyOneLoadsNothingAndMakesNoLoader(@TempDir Path folder) {
        RecordingLoaders loaders = new RecordingLoaders();
        try (PluginFolder missing = PluginFolder.load(folder.resolve("plugins"), false, BUILT_IN, loaders);
                PluginFolder empty = PluginFolder.load(folder, true, BUILT_IN, loaders);
                PluginFolder none = PluginFolder.load(null, false, BUILT_IN, loaders)) {
            assertThat(missing.jars()).isEmpty();
            assertThat(missing.registry()).isSameAs(BUILT_IN);
            assertThat(empty.registry()).isSameAs(BUILT_IN);
            assertThat(none.registry()).isSameAs(BUILT_IN);
        }
        assertThat(loaders.made).isEmpty();
    }

    /** Loads {@code folder}, expecting one line naming {@code expected}; returns the loaders made. */
    private static List<URLClassLoader> assertRefused(Path folder, boolean explicit, String expected) {
        RecordingLoaders loaders = new RecordingLoaders();
        assertThatThrownBy(() -> PluginFolder.load(folder, explicit, BUILT_IN, loaders).close())
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\tat "))
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        return loaders.made;
    }

    @Test
    void aMissingNamedFolderOrAFileIsRefused(@TempDir Path folder) throws IOException {
        assertRefused(folder.resolve("nope"), true, "--plugins " + folder.resolve("nope") + ": no such directory");
        Path file = Files.writeString(folder.resolve("file"), "x");
        assertRefused(file, true, "--plugins " + file + " is not a directory");
        assertRefused(file, false, "the plugins folder " + file + " is not a directory");
    }

    @Test
    void aFileThatIsNotAJarIsRefusedAndNothingIsLoaded(@TempDir Path folder) throws IOException {
        TestingPluginJars.jar("a-good.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);
        Files.writeString(folder.resolve("README.txt"), "notes");

        assertThat(assertRefused(folder, true, folder.resolve("README.txt") + " is not a jar file")).isEmpty();
    }

    @Test
    void aCorruptJarIsRefusedAndNothingIsLoaded(@TempDir Path folder) throws IOException {
        TestingPluginJars.jar("a-good.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);
        Files.write(folder.resolve("broken.jar"), "PK\3\4 this is no zip".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(assertRefused(folder, true, folder.resolve("broken.jar") + " is not a readable jar")).isEmpty();
    }

    @Test
    void aJarThatIsNotAPluginIsRefused(@TempDir Path folder) throws IOException {
        Path jar = TestingPluginJars.jar("library.jar").holding(TestingArchPlugin.class).writeTo(folder);

        assertThat(assertRefused(folder, true, jar + " is not a plugin: it lists no class in META-INF/services/"
                + ArchPlugin.class.getName())).isEmpty();
    }

    @Test
    void aJarListingAClassItDoesNotHoldIsRefused(@TempDir Path folder) throws IOException {
        Path jar = TestingPluginJars.jar("hollow.jar").lists(ArchPlugin.class, "org.example.Missing").writeTo(folder);

        assertThat(assertRefused(folder, true, jar + " lists the plugin class org.example.Missing in META-INF/services"
                + " but does not contain it")).isEmpty();
    }

    @Test
    void aJarOfAnotherSpiVersionOrOfNoneIsRefused(@TempDir Path folder) throws IOException {
        Path jar = TestingPluginJars.jar("old.jar").provides(ArchPlugin.class, TestingArchPlugin.class)
                .spiVersion(Integer.toString(SpiVersion.CURRENT + 1)).writeTo(folder);
        assertThat(assertRefused(folder, true, jar + " was built against plugin SPI version " + (SpiVersion.CURRENT + 1)
                + "; this lab's is " + SpiVersion.CURRENT)).isEmpty();

        TestingPluginJars.jar("old.jar").provides(ArchPlugin.class, TestingArchPlugin.class).spiVersion(null).writeTo(folder);
        assertThat(assertRefused(folder, true, jar + " does not say which plugin SPI it was built against (no "
                + SpiVersion.MANIFEST_ATTRIBUTE + " in its manifest)")).isEmpty();
    }

    @Test
    void aPluginNamedLikeABuiltInOneIsRefusedAndItsLoaderClosed(@TempDir Path folder) throws IOException {
        Path jar = TestingPluginJars.jar("x86-again.jar").provides(ArchPlugin.class, TestingArchPluginNamedX86.class)
                .writeTo(folder);

        List<URLClassLoader> made = assertRefused(folder, true, "two arch plugins are named 'x86': ");
        assertThat(made).hasSize(1);
        assertClosed(made.get(0), "META-INF/services/" + ArchPlugin.class.getName());
        assertRefused(folder, true, TestingArchPluginNamedX86.class.getName() + " from the plugins folder (" + jar + ")");
    }

    @Test
    void twoPluginJarsWithOneNameAreRefusedAndTheLoaderClosed(@TempDir Path folder) throws IOException {
        Path first = TestingPluginJars.jar("a.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);
        Path second = TestingPluginJars.jar("b.jar").provides(ArchPlugin.class, TestingArchPluginTwin.class).writeTo(folder);

        List<URLClassLoader> made = assertRefused(folder, true, "two arch plugins are named 'testing-16k': "
                + TestingArchPlugin.class.getName() + " from the plugins folder (" + first + ") and "
                + TestingArchPluginTwin.class.getName() + " from the plugins folder (" + second + ")");
        assertClosed(made.get(0), "META-INF/MANIFEST.MF");
    }

    @Test
    void theSamePluginTwiceIsRefusedBeforeAnythingIsLoaded(@TempDir Path folder) throws IOException {
        Path first = TestingPluginJars.jar("a.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);
        Path copy = TestingPluginJars.jar("copy-of-a.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);

        assertThat(assertRefused(folder, true, copy + " and " + first + " both hold the plugin class "
                + TestingArchPlugin.class.getName())).isEmpty();
    }

    @Test
    void aCopyOfABuiltInPluginIsRefused(@TempDir Path folder) throws IOException {
        // A jar holding a class the class path already has: the class path would win, silently.
        Path jar = TestingPluginJars.jar("copy.jar").provides(ArchPlugin.class, TestingArchPlugin.class).writeTo(folder);
        RecordingLoaders loaders = new RecordingLoaders();
        PluginRegistry withTestClasses = PluginRegistry.discover(TestPluginFolder.class.getClassLoader());

        assertThatThrownBy(() -> PluginFolder.load(folder, true, withTestClasses, loaders))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage(jar + " holds the plugin class " + TestingArchPlugin.class.getName()
                        + ", which is already on the class path: the same plugin twice");
        assertThat(loaders.made).isEmpty();
    }

    @Test
    void aPluginWhoseClassFailsIsOneLineAndItsLoaderClosed(@TempDir Path folder) throws IOException {
        TestingPluginJars.jar("broken.jar").provides(ArchPlugin.class, TestingBrokenArchPlugin.class).writeTo(folder);

        List<URLClassLoader> made = assertRefused(folder, true, "a plugin in " + folder + " cannot be loaded: ");
        assertRefused(folder, true, "broken on purpose");
        assertClosed(made.get(0), "META-INF/MANIFEST.MF");
    }

    @Test
    void theSpiVersionIsTheOneTheParentPomWritesIntoPluginJars() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        Matcher version = Pattern.compile("<xencomm-lab\\.spi\\.version>(\\d+)</xencomm-lab\\.spi\\.version>").matcher(pom);

        assertThat(version.find()).isTrue();
        assertThat(Integer.parseInt(version.group(1))).isEqualTo(SpiVersion.CURRENT);
        for (String module : List.of("arch-x86", "arch-ppc", "strategy-pointer", "strategy-embedded", "strategy-percpu")) {
            assertThat(Files.readString(Path.of("..", module, "pom.xml"), StandardCharsets.UTF_8)).as(module)
                    .contains("<" + SpiVersion.MANIFEST_ATTRIBUTE + ">${xencomm-lab.spi.version}</"
                            + SpiVersion.MANIFEST_ATTRIBUTE + ">");
        }
    }
}
