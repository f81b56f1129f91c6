package org.xencommlab.examples.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.xencommlab.examples.report.model.ComparisonReport;

/** The formats of {@code compare --format}: each a pure function of the report to text. */
public enum ReportFormat {
    TABLE(TableRenderer::render, "txt"),
    JSON(ReportJson::write, "json"),
    CSV(CsvRenderer::render, "csv"),
    HTML(HtmlRenderer::render, "html");

    private final Function<ComparisonReport, String> renderer;
    private final String extension;

    ReportFormat(Function<ComparisonReport, String> renderer, String extension) {
        this.renderer = renderer;
        this.extension = extension;
    }

    /** The report in this format (UTF-8 text when written to a file). */
    public String render(ComparisonReport report) {
        return renderer.apply(report);
    }

    /** The name users type: {@code table}, {@code json}, {@code csv}, {@code html}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The usual file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /**
     * The format called {@code name}.
     *
     * @throws IllegalArgumentException naming the valid formats
     */
    public static ReportFormat fromCliName(String name) {
        for (ReportFormat format : values()) {
            if (format.cliName().equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "'; valid: "
                + Arrays.stream(values()).map(ReportFormat::cliName).collect(Collectors.joining(", ")));
    }
}
