package org.xencommlab.examples.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.CostDefinition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class TestCostModelLoader {
    @Test
    void jsonOverridesOnlyWhatItNames(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("costs.json");
        Files.writeString(file, "{\"hypervisorEntryNanos\": 650, \"copyGigabytesPerSecond\": 12.5}");

        CostModel model = CostModelLoader.load(file);

        assertThat(model.value(CoreCosts.HYPERVISOR_ENTRY)).isEqualTo(650);
        assertThat(model.value(CoreCosts.COPY_BANDWIDTH)).isEqualTo(12.5);
        assertThat(model.value(CoreCosts.GUEST_SYSCALL)).isEqualTo(170);
        assertThat(model.isOverridden(CoreCosts.HYPERVISOR_ENTRY)).isTrue();
        assertThat(model.isOverridden(CoreCosts.GUEST_SYSCALL)).isFalse();
        assertThat(model.source())
                .isEqualTo("defaults overridden by costs.json (hypervisorEntryNanos, copyGigabytesPerSecond)");
    }

    @Test
    void propertiesWithCommentsWork(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("costs.properties");
        Files.writeString(file, "# measured on my laptop\nguestSyscallNanos = 95\nmlockCallNanos=1.5e3\n");

        CostModel model = CostModelLoader.load(file);

        assertThat(model.value(CoreCosts.GUEST_SYSCALL)).isEqualTo(95);
        assertThat(model.value(CoreCosts.MLOCK_CALL)).isEqualTo(1500);
    }

    @Test
    void shippedDefaultsFileIsExactlyTheDefaults() {
        String text = CostModelLoader.defaultsFileText();
        CostModel model = CostModelLoader.parse(text, "default-cost-model.properties",
                CostModelLoader.Format.PROPERTIES);
        assertThat(model.costs()).isEqualTo(CostModel.defaults().costs());
        for (CostDefinition event : MetricCatalog.classPath().costs()) {
            assertThat(text).contains(event.key() + " = ", event.source().substring(0, 20));
        }
        // The shipped file is the generated one, so it lists every cost the class path declares.
        assertThat(text).isEqualTo(readResource(CostModelLoader.DEFAULTS_RESOURCE));
    }

    @Test
    void formatIsDetectedFromNameOrContent() {
        assertThat(CostModelLoader.Format.detect("a.JSON", "x=1")).isEqualTo(CostModelLoader.Format.JSON);
        assertThat(CostModelLoader.Format.detect("a.properties", "{")).isEqualTo(CostModelLoader.Format.PROPERTIES);
        assertThat(CostModelLoader.Format.detect("costs", "  {\"a\":1}")).isEqualTo(CostModelLoader.Format.JSON);
        assertThat(CostModelLoader.Format.detect("costs", "a=1")).isEqualTo(CostModelLoader.Format.PROPERTIES);
    }

    @Test
    void emptyFileMeansDefaults() {
        assertThat(CostModelLoader.parse("", "empty.properties", CostModelLoader.Format.PROPERTIES))
                .isEqualTo(CostModel.defaults());
        assertThat(CostModelLoader.parse("{}", "empty.json", CostModelLoader.Format.JSON))
                .isEqualTo(CostModel.defaults());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROPERTIES|hypercallNanos=5|unknown key 'hypercallNanos'; valid keys: hypervisorEntryNanos, continuationNanos",
        "PROPERTIES|guestSyscallNanos=-1|guestSyscallNanos = -1 is out of range; valid: a number of nanoseconds, 0 or more",
        "PROPERTIES|guestSyscallNanos=fast|guestSyscallNanos = 'fast' is not a number; valid: a number of nanoseconds",
        "PROPERTIES|guestSyscallNanos=NaN|guestSyscallNanos = 'NaN' is not a number",
        "PROPERTIES|guestSyscallNanos=Infinity|guestSyscallNanos = 'Infinity' is not a number",
        "PROPERTIES|guestSyscallNanos=0x10|guestSyscallNanos = '0x10' is not a number",
        "PROPERTIES|guestSyscallNanos=|guestSyscallNanos = '' is not a number",
        "PROPERTIES|copyGigabytesPerSecond=0|copyGigabytesPerSecond = 0 is out of range; valid: a number greater than 0 (GB/s)",
        "PROPERTIES|guestSyscallNanos=1\\nguestSyscallNanos=2|key 'guestSyscallNanos' is set twice",
        "JSON|{\"guestSyscallNanos\": \"170\"}|guestSyscallNanos = \"170\" is not a number; valid: a number of nanoseconds",
        "JSON|{\"guestSyscallNanos\": -3}|guestSyscallNanos = -3 is out of range",
        "JSON|{\"guestSyscallNanos\": 1e400}|guestSyscallNanos = 1E+400 is out of range",
        "JSON|{\"guestSyscallNanos\": {\"value\": 1}}|is not a number",
        "JSON|{\"nope\": 1}|unknown key 'nope'; valid keys: hypervisorEntryNanos",
        "JSON|{\"guestSyscallNanos\": 1, \"guestSyscallNanos\": 2}|not valid JSON at line 1",
        "JSON|[1, 2]|must be a JSON object of key to number",
        "JSON|{\"guestSyscallNanos\": 1,|not valid JSON at line 1",
    })
    void badFilesGetAClearOneLineError(CostModelLoader.Format format, String text, String expected) {
        String content = text.replace("\\n", "\n");
        assertThatThrownBy(() -> CostModelLoader.parse(content, "bad." + format.name().toLowerCase(), format))
                .isInstanceOf(CostModelException.class)
                .hasMessageStartingWith("cost model bad.")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> CostModelLoader.load(missing))
                .isInstanceOf(CostModelException.class)
                .hasMessageStartingWith("cannot read cost model " + missing)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static String readResource(String name) {
        try (java.io.InputStream in = TestCostModelLoader.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
