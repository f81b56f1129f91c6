package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
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

/**
 * The launcher script, after {@code package}: it runs the lab from a class path of separate jars
 * (the arch and strategy modules each its own, carrying the SPI version), loads a plugins folder,
 * and reports bad plugin input in one line with exit code 2; it wants a rebuild when the jar is
 * missing or older than a source or pom. It is told never to build ({@code XENCOMM_LAB_NO_BUILD}):
 * the build under test has just made the jars.
 */
final class LauncherIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LIB = ROOT.resolve("examples/target/lib");

    record Result(int code, String out, String err) {}

    private static Result launch(Path work, String... args) throws IOException, InterruptedException {
        return launch(ROOT, work, args);
    }

    private static Result launch(Path root, Path work, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("xencomm-lab").toString()));
        command.addAll(List.of(args));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("XENCOMM_LAB_NO_BUILD", "1");
        builder.environment().remove("CLASSPATH");
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the launcher ends").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theArchAndStrategyModulesAreSeparateJarsOnTheClassPathCarryingTheSpiVersion() throws IOException {
        List<Path> plugins;
        try (Stream<Path> files = Files.list(LIB)) {
            plugins = files.filter(file -> file.getFileName().toString().matches("xencomm-lab-(arch|strategy)-.*\\.jar"))
                    .sorted().toList();
        }
        assertThat(plugins).extracting(file -> file.getFileName().toString().replaceAll("-\\d.*", ""))
                .containsExactly("xencomm-lab-arch-cvm", "xencomm-lab-arch-ppc", "xencomm-lab-arch-x86", "xencomm-lab-strategy-embedded",
                        "xencomm-lab-strategy-percpu", "xencomm-lab-strategy-pointer");
        for (Path plugin : plugins) {
            try (JarFile jar = new JarFile(plugin.toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue(SpiVersion.MANIFEST_ATTRIBUTE)).as(plugin.toString())
                        .isEqualTo(Integer.toString(SpiVersion.CURRENT));
            }
        }
        try (JarFile cli = new JarFile(ROOT.resolve("examples/target/xencomm-lab.jar").toFile())) {
            assertThat(cli.getEntry("org/xencommlab/arch/x86")).as("the CLI jar holds no arch").isNull();
        }
    }

    @Test
    void theLauncherListsAndRunsPluginsFromAFolderAndTheArchsFromTheirOwnJars(@TempDir Path work)
            throws IOException, InterruptedException {
        Path folder = Files.createDirectories(work.resolve("plugins"));
        TestingPluginJars.jar("testing-archs.jar").provides(ArchPlugin.class, TestingArchPlugin.class)
                .provides(ArchPlugin.class, TestingDelegatingArchPlugin.class).writeTo(folder);
        TestingPluginJars.jar("testing-strategy.jar").provides(StrategyPlugin.class, TestingRegistryStrategyPlugin.class)
                .writeTo(folder);

        Result list = launch(work, "--plugins", folder.toString(), "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("  x86 .*\\n      from the class path \\(xencomm-lab-arch-x86-[^)]*\\.jar\\)")
                .contains("from the plugins folder (" + folder.resolve("testing-archs.jar") + ")",
                        "from the plugins folder (" + folder.resolve("testing-strategy.jar") + ")");

        Result compare = launch(work, "--plugins", folder.toString(), "compare", "--arch", "testing-x86-twin",
                "--strategy", "testing-registry", "--scenario", "dom0-tools", "--no-sweep", "--format", "json");
        assertThat(compare.code()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("testing-x86-twin/testing-registry");

        TestingPluginJars.jar("x86.jar").provides(ArchPlugin.class, TestingArchPluginNamedX86.class).writeTo(folder);
        Result clash = launch(work, "--plugins", folder.toString(), "list");
        assertThat(clash.code()).isEqualTo(2);
        assertThat(clash.out()).isEmpty();
        assertThat(clash.err().lines().toList()).singleElement().asString()
                .startsWith("xencomm-lab: two arch plugins are named 'x86': ");
    }

    @Test
    void theLauncherRebuildsWhenTheJarIsMissingOrOlderThanASourceOrPom(@TempDir Path copy) throws IOException, InterruptedException {
        // A copy of the tree's shape: the launcher, a pom, a source, and the built jar and lib/.
        Files.copy(ROOT.resolve("xencomm-lab"), copy.resolve("xencomm-lab"));
        Path pom = Files.writeString(copy.resolve("pom.xml"), "<project/>");
        Path source = copy.resolve("arch-x86/src/main/java/Arch.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Arch {}");
        Path target = Files.createDirectories(copy.resolve("examples/target"));
        Path jar = Files.copy(ROOT.resolve("examples/target/xencomm-lab.jar"), target.resolve("xencomm-lab.jar"));
        Files.createSymbolicLink(target.resolve("lib"), LIB);
        FileTime built = FileTime.from(Instant.now());
        Files.setLastModifiedTime(pom, FileTime.from(built.toInstant().minusSeconds(60)));
        Files.setLastModifiedTime(source, FileTime.from(built.toInstant().minusSeconds(60)));
        Files.setLastModifiedTime(jar, built);

        Result fresh = launch(copy, copy, "list");
        assertThat(fresh.code()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("  x86 ");

        Files.setLastModifiedTime(source, FileTime.from(built.toInstant().plusSeconds(60)));
        Result staleSource = launch(copy, copy, "list");
        assertThat(staleSource.code()).isEqualTo(1);
        assertThat(staleSource.err()).contains("not built or older than its sources");

        Files.setLastModifiedTime(source, FileTime.from(built.toInstant().minusSeconds(60)));
        Files.setLastModifiedTime(pom, FileTime.from(built.toInstant().plusSeconds(60)));
        assertThat(launch(copy, copy, "list").code()).as("a newer pom").isEqualTo(1);

        Files.setLastModifiedTime(pom, FileTime.from(built.toInstant().minusSeconds(60)));
        Files.delete(target.resolve("lib"));
        assertThat(launch(copy, copy, "list").code()).as("no lib/").isEqualTo(1);
        Files.createSymbolicLink(target.resolve("lib"), LIB);
        Files.delete(jar);
        assertThat(launch(copy, copy, "list").code()).as("no jar").isEqualTo(1);
    }
}
