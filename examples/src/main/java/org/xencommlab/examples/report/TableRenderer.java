package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.Sensitivity;
import org.xencommlab.examples.report.model.Stat;

/**
 * The terminal table: a header, the verdict matrix (configurations x scenarios: FAILED or the
 * median modelled µs, the cheapest completed configuration per scenario marked {@code *}), the
 * largest differences, one block per scenario with the configurations side by side as
 * columns (split into several column groups when they do not fit the width), and the summary per
 * problem of the mail.
 *
 * <p>In a block, each row is named exactly as its JSON field: {@code outcome}, each metric of
 * the catalog's headline metrics ({@link org.xencommlab.examples.cost.MetricCatalog#headline()}), then
 * every metric a plugin declares that some configuration of the scenario counted, then {@code errors.<ERRNO>} for each errno seen in the scenario
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
        long runs = report.runCount();
        out.append("xencomm-lab ").append(report.toolVersion()).append(" comparison, seed ").append(report.seed())
                .append('\n');
        out.append(count(report.configurations().size(), "configuration")).append(" x ")
                .append(count(report.scenarios().size(), "scenario")).append(": ")
                .append(count(runs, "run")).append(", ").append(report.failedCount())
                .append(" failed. Cost model: ").append(report.costModel().source()).append(".\n");
        if (report.aggregates().stream().anyMatch(a -> a.runs() > 1)) {
            out.append("Several seeds per configuration: a count that varied shows its mean ±95% confidence"
                    + " half-width; median, min and max are in the JSON, CSV and HTML.\n");
        }
        out.append('\n').append("== Verdict (median modelled µs; * cheapest completed configuration of the scenario)\n");
        renderVerdict(out, report, width);
        List<String> headlines = ProblemSummaries.headlines(report);
        if (!headlines.isEmpty()) {
            out.append('\n').append("== Largest differences\n");
            headlines.forEach(h -> wrap(out, h, width));
        }
        for (ScenarioInfo scenario : report.scenarios()) {
            out.append('\n');
            renderScenario(out, scenario, report.aggregatesOf(scenario.name()), width, report.costModel().catalog());
        }
        if (!report.sensitivity().isEmpty()) {
            out.append('\n').append("== Sensitivity to the cost model (each cost x")
                    .append(report.sensitivity().get(0).factors().stream().map(Numbers::cost)
                            .collect(Collectors.joining(", x")))
                    .append(")\n");
            for (Sensitivity sensitivity : report.sensitivity()) {
                wrap(out, sensitivity.scenario() + ": " + sensitivity.verdict(), width);
            }
        }
        out.append('\n').append("== The mail's problems, from the numbers above\n");
        List<String> notJudged = new ArrayList<>();
        for (ProblemSummary summary : ProblemSummaries.of(report)) {
            if (summary.findings().isEmpty() && !summary.missing().isEmpty()) {
                // None of its scenarios ran: one line for all such problems, not a paragraph each.
                notJudged.add(summary.problem().title() + " (--scenario "
                        + String.join(",", summary.problem().scenarios()) + ")");
                continue;
            }
            out.append('\n').append(summary.problem().title()).append('\n');
            if (summary.findings().isEmpty() && summary.missing().isEmpty()) {
                wrap(out, "Nothing measured differs from 0 here.", width);
            }
            for (String sentence : summary.findings()) {
                wrap(out, sentence, width);
            }
            for (String sentence : summary.missing()) {
                wrap(out, sentence, width);
            }
        }
        if (!notJudged.isEmpty()) {
            out.append('\n');
            wrap(out, "Not judged here, since none of their scenarios ran: " + String.join("; ", notJudged) + ".", width);
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
            renderScenario(out, scenario, report.aggregatesOf(scenario.name()), DEFAULT_WIDTH, report.costModel().catalog());
        }
        return out.toString();
    }

    /** Rows: configurations; columns: scenarios; a cell: FAILED or the median modelled µs, * for the cheapest. */
    private static void renderVerdict(StringBuilder out, ComparisonReport report, int width) {
        List<String> scenarios = report.scenarios().stream().map(ScenarioInfo::name).toList();
        Map<String, Configuration> cheapest = Verdicts.cheapest(report);
        int label = report.configurations().stream().mapToInt(c -> c.id().length()).max().orElse(10) + 2;
        List<List<String>> cells = new ArrayList<>();
        for (Configuration configuration : report.configurations()) {
            List<String> row = new ArrayList<>();
            for (String scenario : scenarios) {
                row.add(Verdicts.of(report, configuration, scenario).map(a -> a.outcome() == Outcome.FAILED
                        ? (a.failed() == a.runs() ? "FAILED" : "FAILED " + a.failed() + "/" + a.runs())
                        : Numbers.micros(Math.round(a.median(Metrics.MODELLED_NANOS)))
                                + (configuration.equals(cheapest.get(scenario)) ? "*" : " ")).orElse("-"));
            }
            cells.add(row);
        }
        int[] widths = new int[scenarios.size()];
        for (int i = 0; i < scenarios.size(); i++) {
            widths[i] = scenarios.get(i).length() + 2;
            for (List<String> row : cells) {
                widths[i] = Math.max(widths[i], row.get(i).length() + 2);
            }
        }
        int start = 0;
        while (start < scenarios.size()) {
            int used = label;
            int end = start;
            while (end < scenarios.size() && (end == start || used + widths[end] <= width)) {
                used += widths[end];
                end++;
            }
            StringBuilder header = new StringBuilder(pad("", label));
            for (int i = start; i < end; i++) {
                header.append(leftPad(scenarios.get(i) + " ", widths[i]));
            }
            out.append(header.toString().stripTrailing()).append('\n');
            for (int r = 0; r < cells.size(); r++) {
                StringBuilder row = new StringBuilder(pad(report.configurations().get(r).id(), label));
                for (int i = start; i < end; i++) {
                    String cell = cells.get(r).get(i);
                    row.append(leftPad(cell.endsWith("*") || cell.endsWith(" ") ? cell : cell + " ", widths[i]));
                }
                out.append(row.toString().stripTrailing()).append('\n');
            }
            start = end;
            if (start < scenarios.size()) {
                out.append('\n');
            }
        }
    }

    private static void renderScenario(StringBuilder out, ScenarioInfo scenario, List<Aggregate> aggregates, int width,
            org.xencommlab.examples.cost.MetricCatalog catalog) {
        out.append("== ").append(scenario.name());
        if (!scenario.description().isEmpty()) {
            out.append(": ").append(scenario.description());
        }
        out.append('\n');
        if (!scenario.parameters().isEmpty()) {
            out.append("   parameters: ").append(scenario.parameters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        if (aggregates.isEmpty()) {
            out.append("   (no results)\n");
            return;
        }
        boolean severalSeeds = aggregates.stream().anyMatch(a -> a.runs() > 1);
        Set<String> errnos = new LinkedHashSet<>();
        aggregates.stream().flatMap(a -> a.errors().keySet().stream()).sorted().forEach(errnos::add);

        List<String> rowNames = new ArrayList<>();
        rowNames.add("outcome");
        rowNames.addAll(catalog.headline());
        // A plugin's own metrics follow the headline wherever a configuration of the scenario counted one.
        for (String name : catalog.knownNames()) {
            if (!rowNames.contains(name) && !catalog.owner(name).orElse("the core").equals("the core")
                    && aggregates.stream().anyMatch(a -> a.metric(name).max() != 0)) {
                rowNames.add(name);
            }
        }
        errnos.forEach(e -> rowNames.add("errors." + e));

        List<Column> columns = new ArrayList<>();
        for (Aggregate aggregate : aggregates) {
            columns.add(Column.of(aggregate, rowNames, severalSeeds));
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
        for (Aggregate aggregate : aggregates) {
            if (aggregate.outcome() == Outcome.FAILED) {
                out.append("   failed: ").append(aggregate.configuration());
                if (severalSeeds) {
                    out.append(" (").append(aggregate.failed()).append(" of ").append(aggregate.runs())
                            .append(" runs; the first:)");
                }
                out.append(' ').append(aggregate.failure()).append('\n');
            }
        }
    }

    /** One aggregate's column: header lines, one cell per row, and its width with two spaces of gap. */
    private record Column(List<String> header, List<String> cells, int width) {
        static Column of(Aggregate aggregate, List<String> rowNames, boolean severalSeeds) {
            List<String> header = new ArrayList<>();
            header.add(aggregate.arch() + "/" + aggregate.strategy());
            for (Map.Entry<String, String> entry : aggregate.variant().entrySet()) {
                header.add(entry.getKey() + "=" + entry.getValue());
            }
            if (severalSeeds) {
                header.add(aggregate.runs() + " seeds");
            }
            List<String> cells = new ArrayList<>();
            for (String row : rowNames) {
                if (row.equals("outcome")) {
                    cells.add(aggregate.outcome() == Outcome.OK ? "ok"
                            : aggregate.failed() == aggregate.runs() ? "FAILED"
                                    : "FAILED " + aggregate.failed() + "/" + aggregate.runs());
                } else if (row.startsWith("errors.")) {
                    Stat n = aggregate.error(row.substring("errors.".length()));
                    cells.add(n.max() == 0 ? "-" : Numbers.stat(n));
                } else {
                    cells.add(Numbers.stat(aggregate.metric(row)));
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
