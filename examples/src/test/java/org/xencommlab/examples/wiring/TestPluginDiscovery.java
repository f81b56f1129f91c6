package org.xencommlab.examples.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.examples.cli.XencommLabCommand;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.UnknownNameException;

final class TestPluginDiscovery {
    @Test
    void findsTheArchsAndTheStrategiesThroughServiceLoader() {
        PluginRegistry registry = PluginRegistry.discover();

        assertThat(registry.archNames()).containsExactly("cvm", "ppc", "x86");
        assertThat(registry.strategyNames()).containsExactly("embedded", "percpu-page", "pointer");
        assertThat(registry.arch("x86").description()).isNotBlank();
    }

    @Test
    void aPluginAddedToTheClassPathAppearsWithNoOtherChange(@TempDir Path extraClassPath) throws IOException {
        Path services = extraClassPath.resolve("META-INF/services/" + ArchPlugin.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, TestingArchPlugin.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {extraClassPath.toUri().toURL()},
                TestPluginDiscovery.class.getClassLoader())) {
            PluginRegistry registry = PluginRegistry.discover(loader);

            assertThat(registry.archNames()).containsExactly("cvm", "ppc", "testing-16k", "x86");
            assertThat(registry.arch("testing-16k").pageSize().bytes()).isEqualTo(16384);

            StringWriter out = new StringWriter();
            int code = XencommLabCommand.commandLine(registry, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                    .execute("list");
            assertThat(code).isZero();
            assertThat(out.toString()).contains("testing-16k", "a third arch with 16 KiB pages");
        }
    }

    @Test
    void anUnknownArchIsRefusedWithTheValidNames() {
        PluginRegistry registry = PluginRegistry.discover();

        assertThatThrownBy(() -> registry.arch("sparc"))
                .isInstanceOf(UnknownNameException.class)
                .hasMessage("unknown arch 'sparc'; valid: cvm, ppc, x86");
    }

    @Test
    void noPluginsAtAllFailsLoudly() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> PluginRegistry.discover(empty))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no arch plugin found");
        }
    }
}
