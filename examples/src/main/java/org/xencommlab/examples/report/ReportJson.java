package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.xencommlab.examples.report.model.ComparisonReport;

/**
 * The JSON report: {@link ComparisonReport} written with Jackson in the shape of the versioned
 * schema {@value #SCHEMA_RESOURCE} (documented in docs/report-schema.md). Output is pretty-printed
 * with {@code \n} line ends on every platform and ends with a newline; fields come in a fixed
 * order, maps in their canonical order, so the same report always gives the same bytes.
 */
public final class ReportJson {
    /** The class-path location of the JSON Schema (draft 2020-12) of the current schema version. */
    public static final String SCHEMA_RESOURCE = "/org/xencommlab/examples/report/comparison-report.schema.json";

    private ReportJson() {}

    /** The report as JSON text. */
    public static String write(ComparisonReport report) {
        requireNonNull(report, "report is null");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        try {
            return mapper().writer(printer).writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write report as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a report back (for re-rendering a saved report in another format).
     *
     * @throws IllegalArgumentException with a one-line reason if the text is not a valid report
     */
    public static ComparisonReport read(String json) {
        requireNonNull(json, "json is null");
        try {
            ComparisonReport report = mapper().readValue(json, ComparisonReport.class);
            if (report == null) {
                throw new IllegalArgumentException("not a report: empty JSON");
            }
            return report;
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String message = cause == e ? e.getOriginalMessage() : cause.getMessage();
            throw new IllegalArgumentException(
                    "not a valid report: " + message.lines().findFirst().orElse("") + locationOf(e), e);
        }
    }

    /** The schema, from the class path. */
    public static InputStream openSchema() {
        InputStream schema = ReportJson.class.getResourceAsStream(SCHEMA_RESOURCE);
        if (schema == null) {
            throw new UncheckedIOException(new java.io.FileNotFoundException(SCHEMA_RESOURCE + " is not on the class path"));
        }
        return schema;
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static ObjectMapper mapper() {
        return JsonMapper.builder()
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
