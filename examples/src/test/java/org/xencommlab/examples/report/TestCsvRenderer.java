package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;

final class TestCsvRenderer {
    @Test
    void everyRowAgreesWithTheJsonReport() throws IOException {
        ComparisonReport report = TestingReports.realistic();
        JsonNode json = new ObjectMapper().readTree(ReportJson.write(report));
        List<List<String>> rows = Csv.parse(CsvRenderer.render(report));

        List<String> header = rows.get(0);
        assertThat(header).startsWith(CsvRenderer.LEADING_COLUMNS.toArray(String[]::new));
        assertThat(header).containsAll(Metrics.REQUIRED);
        assertThat(rows).hasSize(1 + json.get("results").size());
        assertThat(rows).allSatisfy(row -> assertThat(row).hasSameSizeAs(header));

        for (int i = 0; i < json.get("results").size(); i++) {
            JsonNode result = json.get("results").get(i);
            Map<String, String> row = asMap(header, rows.get(i + 1));
            assertThat(row.get("configuration")).isEqualTo(result.get("configuration").asText());
            assertThat(row.get("arch")).isEqualTo(result.get("arch").asText());
            assertThat(row.get("strategy")).isEqualTo(result.get("strategy").asText());
            assertThat(row.get("scenario")).isEqualTo(result.get("scenario").asText());
            assertThat(row.get("seed")).isEqualTo(result.get("seed").asText());
            assertThat(row.get("outcome")).isEqualTo(result.get("outcome").asText());
            assertThat(row.get("failure")).isEqualTo(result.get("failure").isNull() ? "" : result.get("failure").asText());
            assertThat(pairs(row.get("variant"))).isEqualTo(textMap(result.get("variant")));
            assertThat(pairs(row.get("scenarioParameters"))).isEqualTo(textMap(result.get("scenarioParameters")));
            for (Map.Entry<String, JsonNode> metric : result.get("metrics").properties()) {
                assertThat(Long.parseLong(row.get(metric.getKey()))).as(metric.getKey())
                        .isEqualTo(metric.getValue().asLong());
            }
            for (XenErrno errno : XenErrno.values()) {
                JsonNode count = result.get("errors").get(errno.name());
                assertThat(Long.parseLong(row.get(CsvRenderer.ERROR_PREFIX + errno.name())))
                        .isEqualTo(count == null ? 0 : count.asLong());
            }
        }
    }

    @Test
    void aFailureWithCommasAndQuotesIsQuoted() {
        assertThat(CsvRenderer.quote("plain")).isEqualTo("plain");
        assertThat(CsvRenderer.quote("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
        String csv = CsvRenderer.render(TestingReports.realistic());
        List<List<String>> rows = Csv.parse(csv);
        int failure = rows.get(0).indexOf("failure");
        assertThat(rows.stream().skip(1).map(r -> r.get(failure)).filter(f -> !f.isEmpty()))
                .containsExactly("munlock of a shared page unlocked a live buffer: hypercall 7 gave -EFAULT");
    }

    private static Map<String, String> asMap(List<String> header, List<String> row) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < header.size(); i++) {
            map.put(header.get(i), row.get(i));
        }
        return map;
    }

    private static Map<String, String> pairs(String cell) {
        Map<String, String> map = new TreeMap<>();
        if (!cell.isEmpty()) {
            for (String pair : cell.split(";")) {
                String[] kv = pair.split("=", 2);
                map.put(kv[0], kv[1]);
            }
        }
        return map;
    }

    private static Map<String, String> textMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
