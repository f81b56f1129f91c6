package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.SpiVersion;
import org.xencommlab.examples.wiring.TestingArchPlugin;
import org.xencommlab.examples.wiring.TestingArchPluginNamedX86;
import org.xencommlab.examples.wiring.TestingDelegatingArchPlugin;
import org.xencommlab.examples.wiring.TestingPluginJars;
import org.xencommlab.examples.wiring.TestingRegistryStrategyPlugin;
import org.xencommlab.machine.wiring.PluginRegistry;

/**
 * {@code --plugins DIR} as a user meets it: a good jar's archs and strategies appear in {@code list}
 * with their jar and run in {@code compare}; bad plugin input is one line on standard error and exit
 * code 2, whatever the command.
 */
final class TestPluginsOption {
    private static final PluginRegistry BUILT_IN = PluginRegistry.discover(TestingPluginJars.builtInOnly());

    record Result(int code, String out, String err) {}

    private static Result run(Path defaultPlugins, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XencommLabCommand.commandLine(BUILT_IN, defaultPlugins, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLineUsageError(Result result, String expected) {
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).startsWith("xencomm-lab: ").contains(expected).doesNotContain("\tat ");
        assertThat(result.err().lines().count()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
    }

    private static String[] plugins(Path folder, List<String> command) {
        List<String> args = new ArrayList<>(List.of("--plugins", folder.toString()));
        args.addAll(command);
        return args.toArray(String[]::new);
    }

    private static Path goodPlugins(Path folder) throws IOException {
        TestingPluginJars.jar("testing-archs.jar").provides(ArchPlugin.class, TestingArchPlugin.class)
                .provides(ArchPlugin.class, TestingDelegatingArchPlugin.class).writeTo(folder);
        TestingPluginJars.jar("testing-strategy.jar").provides(StrategyPlugin.class, TestingRegistryStrategyPlugin.class)
                .writeTo(folder);
        return folder;
    }

    @Test
    void aGoodJarAppearsInListWithItsJarBeforeOrAfterTheCommand(@TempDir Path folder) throws IOException {
        goodPlugins(folder);
        for (List<String> args : List.of(List.of("--plugins", folder.toString(), "list"),
                List.of("list", "--plugins", folder.toString()))) {
            Result result = run(null, args.toArray(String[]::new));

            assertThat(result.code()).as(result.err()).isZero();
            assertThat(result.out()).contains("  testing-16k a third arch with 16 KiB pages",
                    "      from the plugins folder (" + folder.resolve("testing-archs.jar") + ")",
                    "  testing-registry a third strategy built on the codec registry alone",
                    "      from the plugins folder (" + folder.resolve("testing-strategy.jar") + ")",
                    "  x86 ", "  pointer ");
            assertThat(result.out().lines().filter(line -> line.startsWith("      from the class path")).count())
                    .as("cvm, ppc, x86, embedded, percpu-page and pointer are from the class path").isEqualTo(6);
        }
    }

    @Test
    void theDefaultFolderIsLoadedWhenItExistsAndMayBeMissing(@TempDir Path folder) throws IOException {
        Result loaded = run(goodPlugins(folder), "list");
        assertThat(loaded.out()).contains("testing-16k", "testing-registry");

        Result missing = run(folder.resolve("plugins"), "list");
        assertThat(missing.code()).isZero();
        assertThat(missing.out()).doesNotContain("testing-");
        assertThat(missing.err()).isEmpty();
    }

    @Test
    void aPluginArchAndStrategyRunInCompare(@TempDir Path folder) throws IOException {
        goodPlugins(folder);

        Result result = run(null, "--plugins", folder.toString(), "compare", "--arch", "testing-x86-twin,x86",
                "--strategy", "testing-registry,pointer", "--scenario", "dom0-tools", "--no-sweep", "--threads", "1",
                "--format", "json");

        assertThat(result.code()).as(result.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertThat(report.isObject()).isTrue();
        assertThat(result.out()).contains("testing-x86-twin/testing-registry", "testing-x86-twin/pointer",
                "x86/testing-registry", "x86/pointer");
        // The jar's own metric and cost reach the report: the cost model is built over the loaded plugins.
        assertThat(report.path("costModel").toString()).contains("testingTwinEventNanos");
        assertThat(result.out()).contains("testingTwinEvents");
    }

    @Test
    void badPluginInputIsOneLineAndExitCode2ForEveryCommand(@TempDir Path root) throws IOException {
        Path notAJar = Files.createDirectories(root.resolve("not-a-jar"));
        Files.writeString(notAJar.resolve("notes.txt"), "notes");
        Path corrupt = Files.createDirectories(root.resolve("corrupt"));
        Files.write(corrupt.resolve("plugin.jar"), "not a zip".getBytes(StandardCharsets.US_ASCII));
        Path notAPlugin = Files.createDirectories(root.resolve("not-a-plugin"));
        TestingPluginJars.jar("library.jar").holding(TestingArchPlugin.class).writeTo(notAPlugin);
        Path clash = Files.createDirectories(root.resolve("clash"));
        TestingPluginJars.jar("x86.jar").provides(ArchPlugin.class, TestingArchPluginNamedX86.class).writeTo(clash);
        Path twoWithOneName = goodPlugins(Files.createDirectories(root.resolve("two")));
        TestingPluginJars.jar("again.jar").provides(ArchPlugin.class, TestingArchPluginNamedX86.class).writeTo(twoWithOneName);
        Path otherSpi = Files.createDirectories(root.resolve("other-spi"));
        TestingPluginJars.jar("future.jar").provides(ArchPlugin.class, TestingArchPlugin.class)
                .spiVersion(Integer.toString(SpiVersion.CURRENT + 1)).writeTo(otherSpi);

        for (List<String> command : List.of(List.of("list"), List.of("compare"),
                List.of("run", "--arch", "x86", "--strategy", "pointer", "--scenario", "balloon"), List.of("abi"))) {
            assertOneLineUsageError(run(null, plugins(notAJar, command)), "notes.txt is not a jar file");
            assertOneLineUsageError(run(null, plugins(corrupt, command)), "plugin.jar is not a readable jar");
            assertOneLineUsageError(run(null, plugins(notAPlugin, command)), "library.jar is not a plugin");
            assertOneLineUsageError(run(null, plugins(clash, command)), "two arch plugins are named 'x86'");
            assertOneLineUsageError(run(null, plugins(twoWithOneName, command)),
                    "two arch plugins are named 'x86'");
            assertOneLineUsageError(run(null, plugins(otherSpi, command)),
                    "was built against plugin SPI version " + (SpiVersion.CURRENT + 1));
            assertOneLineUsageError(run(null, plugins(root.resolve("nowhere"), command)), "no such directory");
        }
        assertOneLineUsageError(run(clash, "list"), "two arch plugins are named 'x86'");
    }

    @Test
    void helpNeedsNoPlugins(@TempDir Path folder) {
        Result help = run(null, "--plugins", folder.resolve("nowhere").toString(), "list", "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--plugins=DIR");
    }
}
