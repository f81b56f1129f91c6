package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.MetricCatalog;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;

final class TestReportJson {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void realisticReportValidatesAgainstTheSchema() throws IOException {
        assertThat(validate(json(TestingReports.realistic()))).isEmpty();
        assertThat(validate(json(TestingReports.sparse()))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/schemaVersion", "/seed", "/results", "/toolVersion", "/costModel/costs/hypervisorEntryNanos",
        "/results/0/arch", "/results/0/strategy", "/results/0/variant", "/results/0/scenario",
        "/results/0/seed", "/results/0/outcome", "/results/0/failure", "/results/0/errors", "/results/0/metrics",
        "/results/0/metrics/hypercalls", "/results/0/metrics/modelledNanos", "/results/0/metrics/registrationsLeaked",
        "/results/0/metrics/xenHeapBytesPeak", "/sweeps/0/series/0/points/0/metrics/hypercalls",
        "/configurations/0/variant", "/scenarios/0/name", "/aggregates", "/aggregates/0/runs",
        "/aggregates/0/metrics/modelledNanos", "/aggregates/0/failed", "/sensitivity"})
    void removingARequiredFieldFailsValidation(String pointer) throws IOException {
        JsonNode report = json(TestingReports.realistic());
        String field = pointer.substring(pointer.lastIndexOf('/') + 1);
        ObjectNode parent = (ObjectNode) report.at(pointer.substring(0, pointer.lastIndexOf('/')));
        assertThat(parent.has(field)).as(pointer).isTrue();
        parent.remove(field);

        Set<ValidationMessage> errors = validate(report);

        assertThat(errors).as(pointer).isNotEmpty();
        assertThat(errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("\n")))
                .contains(field);
    }

    @Test
    void schemaRejectsBrokenValues() throws IOException {
        List<String> cases = new ArrayList<>();
        JsonNode report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0")).put("outcome", "failed"); // a failure needs a reason
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0")).put("failure", "a reason on an ok run");
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0/errors")).put("EWHATEVER", 1);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0/metrics")).put("hypercalls", -1);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0/metrics")).put("continuations", 1.5);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report).put("schemaVersion", 1);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/aggregates/0/metrics")).put("hypercalls", -1);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/aggregates/0/metrics")).putObject("retries").put("median", 1);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/aggregates/0")).put("runs", 0);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/costModel/costs")).put("copyGigabytesPerSecond", 0);
        cases.add(describe(report));
        report = json(TestingReports.realistic());
        ((ObjectNode) report.at("/results/0")).put("extra", 1);
        cases.add(describe(report));

        assertThat(cases).allSatisfy(errors -> assertThat(errors).isNotEmpty());
    }

    @Test
    void schemaMatchesTheCode() throws IOException {
        JsonNode schema;
        try (InputStream in = ReportJson.openSchema()) {
            schema = mapper.readTree(in);
        }
        assertThat(strings(schema.at("/$defs/metrics/required"))).containsExactlyElementsOf(Metrics.REQUIRED);
        assertThat(strings(schema.at("/$defs/errors/propertyNames/enum")))
                .containsExactlyElementsOf(Arrays.stream(XenErrno.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/$defs/costModel/properties/costs/required")))
                .containsExactlyElementsOf(MetricCatalog.classPath().costs().stream().map(CostDefinition::key).toList());
        // The shipped schema is the one generated from the class path's catalog.
        assertThat(schema).isEqualTo(mapper.readTree(ReportSchema.of(MetricCatalog.classPath())));
        assertThat(schema.at("/properties/schemaVersion/const").asInt()).isEqualTo(ComparisonReport.SCHEMA_VERSION);
        // Every metric has its one-line description in the schema, the same as the HTML's.
        MetricDescriptions.all().forEach((name, description) -> assertThat(
                schema.at("/$defs/metrics/properties/" + name + "/description").asText()).as(name).isEqualTo(description));
    }

    @Test
    void jsonHasTheIssuesFieldsInOrder() throws IOException {
        JsonNode report = json(TestingReports.realistic());
        assertThat(fieldNames(report)).startsWith("schemaVersion", "seed");
        JsonNode first = report.at("/results/0");
        assertThat(fieldNames(first)).containsExactly("configuration", "arch", "strategy", "variant", "scenario",
                "scenarioParameters", "seed", "outcome", "failure", "errors", "metrics");
        assertThat(fieldNames(first.get("metrics"))).startsWith(MetricCatalog.classPath().headline().toArray(String[]::new));
        assertThat(first.get("failure").isNull()).isTrue();
        assertThat(first.get("variant").isObject()).isTrue();
    }

    @Test
    void readingBackGivesTheSameReport() {
        ComparisonReport report = TestingReports.realistic();
        String json = ReportJson.write(report);

        ComparisonReport read = ReportJson.read(json);

        assertThat(read).isEqualTo(report);
        assertThat(ReportJson.write(read)).isEqualTo(json);
    }

    @Test
    void readingABadReportSaysWhyInOneLine() {
        String json = ReportJson.write(TestingReports.sparse());
        assertThatThrownBy(() -> ReportJson.read(json.replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema version 9 is not supported")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> ReportJson.read(json.replace("\"hypercalls\"", "\"hyperCalls\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric hypercalls is missing");
        assertThatThrownBy(() -> ReportJson.read("{"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid report");
    }

    private JsonNode json(ComparisonReport report) throws IOException {
        return mapper.readTree(ReportJson.write(report));
    }

    static Set<ValidationMessage> validate(JsonNode report) throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        try (InputStream in = ReportJson.openSchema()) {
            JsonSchema schema = factory.getSchema(in);
            return schema.validate(report);
        }
    }

    private static String describe(JsonNode report) throws IOException {
        return validate(report).stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; "));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        ((ArrayNode) array).forEach(n -> values.add(n.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
