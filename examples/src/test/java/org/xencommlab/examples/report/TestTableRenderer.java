package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;

final class TestTableRenderer {
    @Test
    void everyBlockAgreesWithTheJsonReport() throws IOException {
        checkAgainstJson(TestingReports.realistic(), TableRenderer.DEFAULT_WIDTH);
    }

    @Test
    void severalSeedsAndANarrowTerminalStillAgree() throws IOException {
        checkAgainstJson(TestingReports.sparse(), 60);
        checkAgainstJson(TestingReports.realistic(), 80);
    }

    @Test
    void linesFitTheWidth() {
        String table = TableRenderer.render(TestingReports.realistic());
        assertThat(table.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
    }

    @Test
    void failuresAndProblemsAreShown() {
        String table = TableRenderer.render(TestingReports.realistic());
        assertThat(table).contains("failed: x86/pointer align=off seed 42: munlock of a shared page unlocked");
        assertThat(table).contains("== Verdict").contains("== Largest differences");
        assertThat(table).contains("Problem #4: process death");
        assertThat(table).contains("process-death, ppc/pointer with cleanup=off: registrations left behind 3 (0 without it)");
        assertThatThrownBy(() -> TableRenderer.render(TestingReports.sparse(), 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void problemsWhoseScenariosDidNotRunShareOneLine() {
        // Only interleaved ran: Problem #1 is judged (with a note for heap-exhaustion), the rest are
        // named once, not given a paragraph each.
        String table = TableRenderer.render(TestingReports.sparse());

        assertThat(table).contains("Problem #1: concurrency\n");
        assertThat(table).contains("Not judged here, since none of their scenarios ran: Problem #2: spanning pages");
        assertThat(table).doesNotContain("Problem #2: spanning pages\n");
        assertThat(table).doesNotContain("No results for scenario 'spanning'");
    }

    private static void checkAgainstJson(ComparisonReport report, int width) throws IOException {
        JsonNode json = new ObjectMapper().readTree(ReportJson.write(report));
        Map<String, Block> blocks = parse(TableRenderer.render(report, width));

        List<String> scenarios = new ArrayList<>();
        json.get("scenarios").forEach(s -> scenarios.add(s.get("name").asText()));
        assertThat(blocks.keySet()).containsExactlyElementsOf(scenarios);
        for (String scenario : scenarios) {
            List<JsonNode> results = new ArrayList<>();
            json.get("aggregates").forEach(r -> {
                if (r.get("scenario").asText().equals(scenario)) {
                    results.add(r);
                }
            });
            Block block = blocks.get(scenario);
            assertThat(block.columns()).as(scenario).hasSize(results.size());
            for (int i = 0; i < results.size(); i++) {
                JsonNode result = results.get(i);
                assertThat(block.columns().get(i))
                        .isEqualTo(result.get("arch").asText() + "/" + result.get("strategy").asText());
                assertThat(block.rows().get("outcome").get(i))
                        .isEqualTo(result.get("outcome").asText().equals("ok") ? "ok" : "FAILED");
                for (String metric : Metrics.REQUIRED) {
                    JsonNode stat = result.get("metrics").get(metric);
                    String cell = block.rows().get(metric).get(i);
                    if (stat.isIntegralNumber()) {
                        assertThat(Numbers.ungroup(cell)).as(scenario + " " + metric).isEqualTo(stat.asLong());
                    } else {
                        double half = (stat.get("ciHigh").asDouble() - stat.get("ciLow").asDouble()) / 2;
                        assertThat(cell).as(scenario + " " + metric)
                                .isEqualTo(Numbers.decimal(stat.get("mean").asDouble()) + "±" + Numbers.decimal(half));
                    }
                }
                int column = i;
                result.get("errors").properties().forEach(e -> assertThat(
                        Numbers.ungroup(block.rows().get("errors." + e.getKey()).get(column)))
                        .isEqualTo(e.getValue().asLong()));
                block.rows().forEach((row, values) -> {
                    if (row.startsWith("errors.") && result.get("errors").get(row.substring(7)) == null) {
                        assertThat(values.get(column)).isEqualTo("-");
                    }
                });
            }
        }
    }

    private record Block(List<String> columns, Map<String, List<String>> rows) {}

    /** Reads the table back: per scenario block, the column heads' first line and every row's cells. */
    private static Map<String, Block> parse(String table) {
        Map<String, Block> blocks = new LinkedHashMap<>();
        Block current = null;
        boolean inHeader = false;
        for (String line : table.lines().toList()) {
            if (line.startsWith("== ")) {
                if (line.startsWith("== The mail's problems") || line.startsWith("== Verdict")
                        || line.startsWith("== Largest") || line.startsWith("== Sensitivity")) {
                    current = null;
                    continue;
                }
                String name = line.substring(3).split(":", 2)[0];
                current = new Block(new ArrayList<>(), new LinkedHashMap<>());
                blocks.put(name, current);
                inHeader = false;
                continue;
            }
            if (current == null || line.isBlank()) {
                inHeader = false;
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.startsWith("parameters:") || trimmed.startsWith("failed:")) {
                continue;
            }
            String[] tokens = trimmed.split("\\s+");
            if (line.startsWith(" ")) {
                if (!inHeader) {
                    current.columns().addAll(List.of(tokens));
                    inHeader = true;
                }
                continue;
            }
            inHeader = false;
            current.rows().computeIfAbsent(tokens[0], k -> new ArrayList<>())
                    .addAll(List.of(tokens).subList(1, tokens.length));
        }
        return blocks;
    }
}
