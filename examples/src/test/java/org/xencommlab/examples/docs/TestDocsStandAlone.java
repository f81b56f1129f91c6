package org.xencommlab.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.MetricCatalog;

/** The user-facing docs and the cost model cite only what is in the repository (docs/SOURCES.md). */
final class TestDocsStandAlone {
    /** The repository root, from the examples module's directory where the tests run. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> OUTSIDE = List.of("REFERENCE.md", "DESIGN.md", "../shared");

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }

    @Test
    void readmeCostModelSchemaAndExamplesCiteNothingOutsideTheRepository() throws IOException {
        List<String> texts = new ArrayList<>(List.of(read("README.md"), read("docs/cost-model.md"),
                read("docs/report-schema.md"), read("docs/SOURCES.md")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples/src/main"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                texts.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        for (CostDefinition event : MetricCatalog.classPath().costs()) {
            texts.add(event.source());
        }
        for (String text : texts) {
            assertThat(text).doesNotContain(OUTSIDE.toArray(String[]::new));
        }
    }

    @Test
    void ciRunsExactlyTheReadmesTestCommandThroughThePinnedMavenWrapper() throws IOException {
        String command = "./mvnw -B verify";
        List<String> ci = read(".ci/run").lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();

        assertThat(read("README.md")).contains("```\n" + command + "\n```");
        assertThat(ci.get(ci.size() - 1)).isEqualTo(command);
        assertThat(read("xencomm-lab")).contains("./mvnw -B -q -DskipTests -pl examples -am package");
        assertThat(Files.isExecutable(ROOT.resolve("mvnw"))).isTrue();
        assertThat(read(".mvn/wrapper/maven-wrapper.properties"))
                .containsPattern("distributionUrl=\\S*/apache-maven/3\\.[89]\\.\\d+/apache-maven-3\\.[89]\\.\\d+-bin\\.zip");
    }

    @Test
    void everyCitedSectionOfSourcesExists() throws IOException {
        String sources = read("docs/SOURCES.md");
        StringBuilder citing = new StringBuilder(read("docs/cost-model.md"));
        for (CostDefinition event : MetricCatalog.classPath().costs()) {
            citing.append('\n').append(event.source());
        }
        Matcher cited = Pattern.compile("SOURCES\\.md (?:§|s\\.|section )(\\d+)").matcher(citing);
        int citations = 0;
        while (cited.find()) {
            citations++;
            assertThat(sources).contains("\n## " + cited.group(1) + ". ");
        }
        assertThat(citations).isPositive();
    }
}
