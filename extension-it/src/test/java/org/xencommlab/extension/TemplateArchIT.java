package org.xencommlab.extension;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arch template, built out of tree by maven-invoker (it compiled against this build's api and
 * testkit, and its own tests ran the kit's ArchContract and the hostile-guest kit's
 * HostileGuestContract), used as a user would: its jar dropped
 * into a plugins folder, then the lab's launcher jar run as a separate process with
 * {@code --plugins}. The arch appears in {@code list} from that folder and runs in {@code compare},
 * with the counter only it declares in the JSON report, and {@code fuzz} attacks it.
 */
final class TemplateArchIT {
    @TempDir
    static Path plugins;

    @TempDir
    static Path outputs;

    private static Path pluginJar;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void dropTheTemplateJarIntoAPluginsFolder() throws IOException {
        Path target = Path.of(System.getProperty("template.target"));
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
            assertThat(jars).as("the template's build wrote one jar in " + target).hasSize(1);
            pluginJar = Files.copy(jars.get(0), plugins.resolve(jars.get(0).getFileName()));
        }
    }

    private static Result lab(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", System.getProperty("launcher.jar"), "--plugins", plugins.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(outputs, "out", ".txt");
        Path err = Files.createTempFile(outputs, "err", ".txt");
        int code = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theTemplateArchAppearsInListFromThePluginsFolder() throws Exception {
        Result list = lab("list");

        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("  phys ", "      from the plugins folder (" + pluginJar + ")", "buffer-limit");
    }

    @Test
    void theTemplateArchRunsInCompareWithItsOwnCounterAndCost() throws Exception {
        Result compare = lab("compare", "--arch", "phys", "--format", "json");

        assertThat(compare.code()).as(compare.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(compare.out());
        assertThat(report.path("costModel").path("costs").has("physBufferMapNanos")).isTrue();
        List<JsonNode> aggregates = new ArrayList<>();
        report.path("aggregates").forEach(aggregates::add);
        assertThat(aggregates).isNotEmpty().allSatisfy(aggregate -> {
            assertThat(aggregate.path("arch").asText()).isEqualTo("phys");
            assertThat(aggregate.path("outcome").asText()).as(aggregate.path("failure").asText()).isEqualTo("ok");
            assertThat(aggregate.path("metrics").has("physBufferMaps")).as(aggregate.path("configuration").asText()).isTrue();
        });
        assertThat(aggregates).as("a tool's buffers were mapped somewhere")
                .anySatisfy(aggregate -> assertThat(aggregate.path("metrics").path("physBufferMaps").asDouble()).isPositive());
    }

    @Test
    void theTemplatesOwnBuildRanBothKits() throws IOException {
        Path reports = Path.of(System.getProperty("template.target")).resolve("surefire-reports");
        for (String test : List.of("TestPhysContract", "TestPhysHostileGuest")) {
            Path report = reports.resolve("TEST-org.example.xencomm.phys." + test + ".xml");
            assertThat(report).as("the template's build ran " + test).exists();
            assertThat(Files.readString(report, StandardCharsets.UTF_8))
                    .containsPattern("<testsuite [^>]*tests=\"[1-9]")
                    .contains("failures=\"0\"", "errors=\"0\"");
        }
        assertThat(Files.readString(reports.resolve("TEST-org.example.xencomm.phys.TestPhysHostileGuest.xml"),
                StandardCharsets.UTF_8)).contains("everyConfigurationTakesASeededSliceWithoutABreach");
    }

    @Test
    void fuzzAttacksTheTemplateArchFromThePluginsFolder() throws Exception {
        Result fuzz = lab("fuzz", "--arch", "phys", "--strategy", "pointer", "--hypercalls", "50", "--threads", "1");

        assertThat(fuzz.code()).as(fuzz.err()).isZero();
        assertThat(fuzz.out()).contains("phys/pointer", "configurations: 1, calls: 50", "breaches: 0");
    }
}
