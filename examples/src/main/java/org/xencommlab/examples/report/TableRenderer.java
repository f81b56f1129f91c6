package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;

/**
 * The terminal table: a header, one block per scenario with the configurations side by side as
 * columns (split into several column groups when they do not fit the width), and the summary per
 * problem of the mail.
 *
 * <p>In a block, each row is named exactly as its JSON field: {@code outcome}, each metric of
 * {@link Metrics#REQUIRED}, then {@code errors.<ERRNO>} for each errno seen in the scenario
 * ({@code -} for none). Numbers are exact, grouped with commas. Failed runs' reasons follow the
 * block.
 */
public final class TableRenderer {
    /** The width the table aims to fit. */
    public static final int DEFAULT_WIDTH = 120;

    private static final int LABEL_WIDTH = 21;
    private static final int MIN_COLUMN = 9;

    private TableRenderer() {}

    /** The table at {@link #DEFAULT_WIDTH} columns. */
    public static String render(ComparisonReport report) {
        return render(report, DEFAULT_WIDTH);
    }

    /** The table, fitting {@code width} columns where the data allows (one configuration always fits). */
    public static String render(ComparisonReport report, int width) {
        requireNonNull(report, "report is null");
        if (width < 60) {
            throw new IllegalArgumentException("width must be at least 60, not " + width);
        }
        StringBuilder out = new StringBuilder();
        long failed = report.results().stream().filter(r -> r.outcome() == Outcome.FAILED).count();
        out.append("xencomm-lab ").append(report.toolVersion()).append(" comparison, seed ").append(report.seed())
                .append('\n');
        out.append(count(report.configurations().size(), "configuration")).append(" x ")
                .append(count(report.scenarios().size(), "scenario")).append(": ")
                .append(count(report.results().size(), "run")).append(", ").append(failed)
                .append(" failed. Cost model: ").append(report.costModel().source()).append(".\n");
        for (ScenarioInfo scenario : report.scenarios()) {
            out.append('\n');
            renderScenario(out, scenario, report.resultsOf(scenario.name()), width);
        }
        out.append('\n').append("== The mail's problems, from the numbers above\n");
        for (ProblemSummary summary : ProblemSummaries.of(report)) {
            out.append('\n').append(summary.problem().title()).append('\n');
            for (String sentence : summary.findings()) {
                wrap(out, sentence, width);
            }
            for (String sentence : summary.missing()) {
                wrap(out, sentence, width);
            }
        }
        return out.toString();
    }

    /**
     * The scenario blocks alone, without the comparison's header and the mail's problems (which
     * compare configurations): what {@code run} prints for its one run.
     */
    public static String renderBlocks(ComparisonReport report) {
        requireNonNull(report, "report is null");
        StringBuilder out = new StringBuilder();
        for (ScenarioInfo scenario : report.scenarios()) {
            renderScenario(out, scenario, report.resultsOf(scenario.name()), DEFAULT_WIDTH);
        }
        return out.toString();
    }

    private static void renderScenario(StringBuilder out, ScenarioInfo scenario, List<RunResult> results, int width) {
        out.append("== ").append(scenario.name());
        if (!scenario.description().isEmpty()) {
            out.append(": ").append(scenario.description());
        }
        out.append('\n');
        if (!scenario.parameters().isEmpty()) {
            out.append("   parameters: ").append(scenario.parameters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        if (results.isEmpty()) {
            out.append("   (no results)\n");
            return;
        }
        boolean severalSeeds = results.stream().map(RunResult::seed).distinct().count() > 1;
        Set<String> errnos = new LinkedHashSet<>();
        results.stream().flatMap(r -> r.errors().keySet().stream()).sorted().forEach(errnos::add);

        List<String> rowNames = new ArrayList<>();
        rowNames.add("outcome");
        rowNames.addAll(Metrics.REQUIRED);
        errnos.forEach(e -> rowNames.add("errors." + e));

        List<Column> columns = new ArrayList<>();
        for (RunResult result : results) {
            columns.add(Column.of(result, rowNames, severalSeeds));
        }
        int headerLines = columns.stream().mapToInt(c -> c.header().size()).max().orElse(1);
        int start = 0;
        while (start < columns.size()) {
            int used = LABEL_WIDTH;
            int end = start;
            while (end < columns.size() && (end == start || used + columns.get(end).width() <= width)) {
                used += columns.get(end).width();
                end++;
            }
            List<Column> group = columns.subList(start, end);
            for (int line = 0; line < headerLines; line++) {
                StringBuilder row = new StringBuilder(pad("", LABEL_WIDTH));
                for (Column column : group) {
                    String piece = line < column.header().size() ? column.header().get(line) : "";
                    row.append(leftPad(piece, column.width()));
                }
                out.append(row.toString().stripTrailing()).append('\n');
            }
            for (int i = 0; i < rowNames.size(); i++) {
                StringBuilder row = new StringBuilder(pad(rowNames.get(i), LABEL_WIDTH));
                for (Column column : group) {
                    row.append(leftPad(column.cells().get(i), column.width()));
                }
                out.append(row.toString().stripTrailing()).append('\n');
            }
            start = end;
            if (start < columns.size()) {
                out.append('\n');
            }
        }
        for (RunResult result : results) {
            if (result.outcome() == Outcome.FAILED) {
                out.append("   failed: ").append(result.configuration()).append(" seed ").append(result.seed())
                        .append(": ").append(result.failure()).append('\n');
            }
        }
    }

    /** One result's column: header lines, one cell per row, and its width with two spaces of gap. */
    private record Column(List<String> header, List<String> cells, int width) {
        static Column of(RunResult result, List<String> rowNames, boolean severalSeeds) {
            List<String> header = new ArrayList<>();
            header.add(result.arch() + "/" + result.strategy());
            for (Map.Entry<String, String> entry : result.variant().entrySet()) {
                header.add(entry.getKey() + "=" + entry.getValue());
            }
            if (severalSeeds) {
                header.add("seed " + result.seed());
            }
            List<String> cells = new ArrayList<>();
            for (String row : rowNames) {
                if (row.equals("outcome")) {
                    cells.add(result.outcome() == Outcome.OK ? "ok" : "FAILED");
                } else if (row.startsWith("errors.")) {
                    long n = result.errorCount(row.substring("errors.".length()));
                    cells.add(n == 0 ? "-" : Numbers.group(n));
                } else {
                    cells.add(Numbers.group(result.metrics().get(row)));
                }
            }
            int width = MIN_COLUMN;
            for (String piece : header) {
                width = Math.max(width, piece.length() + 2);
            }
            for (String cell : cells) {
                width = Math.max(width, cell.length() + 2);
            }
            return new Column(header, cells, width);
        }
    }

    private static void wrap(StringBuilder out, String sentence, int width) {
        String indent = "  - ";
        String next = "    ";
        StringBuilder line = new StringBuilder(indent);
        int lineStart = line.length();
        for (String word : sentence.split(" ")) {
            if (line.length() > lineStart && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line = new StringBuilder(next);
            } else if (line.length() > lineStart) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }

    private static String leftPad(String text, int width) {
        return text.length() >= width ? " " + text : " ".repeat(width - text.length()) + text;
    }
}
