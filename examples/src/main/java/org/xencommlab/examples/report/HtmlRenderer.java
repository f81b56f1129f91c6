package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.xencommlab.examples.cost.CostEvent;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.SizeSweep;
import org.xencommlab.examples.report.model.SweepPoint;
import org.xencommlab.examples.report.model.SweepSeries;

/**
 * The HTML report: one self-contained page (inline CSS, inline SVG charts, no script, no external
 * resource of any kind) that opens without a network. Sections: the summary per problem of the mail
 * ({@link ProblemSummaries}), the configurations, one section per scenario with its charts and its
 * numbers, how costs grow with size (from the report's {@link SizeSweep}s) and the cost model.
 *
 * <p>Every chart is an {@code <svg>} whose {@code id} starts with {@code chart-} and which is listed
 * by {@link #chartIds}; a chart whose metrics are 0 in every run is left out, with a sentence saying
 * so. The same report always gives the same bytes.
 */
public final class HtmlRenderer {
    /** The {@code id} prefix of every chart's {@code <svg>}. */
    public static final String CHART_ID_PREFIX = "chart-";

    private static final List<String> LEAK_METRICS = List.of("registrationsLeaked", "lockedPagesLeaked",
            "pinnedFramesLeaked");

    private HtmlRenderer() {}

    /** The page. */
    public static String render(ComparisonReport report) {
        requireNonNull(report, "report is null");
        StringBuilder out = new StringBuilder(256 * 1024);
        long failed = report.results().stream().filter(r -> r.outcome() == Outcome.FAILED).count();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>xencomm-lab comparison, seed ").append(report.seed()).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        out.append("<header>\n<h1>xencomm-lab comparison</h1>\n<p>xencomm-lab ").append(esc(report.toolVersion()))
                .append(", seed ").append(report.seed()).append(": ").append(report.configurations().size())
                .append(" configurations &times; ").append(report.scenarios().size()).append(" scenarios, ")
                .append(report.results().size()).append(" runs, ").append(failed).append(" failed. Cost model: ")
                .append(esc(report.costModel().source())).append(". Counts are exact; times are modelled.</p>\n");
        out.append("<nav><a href=\"#problems\">The mail's problems</a> &middot; <a href=\"#configurations\">")
                .append("Configurations</a>");
        for (ScenarioInfo scenario : report.scenarios()) {
            out.append(" &middot; <a href=\"#").append(scenarioAnchor(scenario.name())).append("\">")
                    .append(esc(scenario.name())).append("</a>");
        }
        out.append(" &middot; <a href=\"#growth\">Growth with size</a> &middot; <a href=\"#cost-model\">")
                .append("Cost model</a></nav>\n</header>\n");

        renderProblems(out, report);
        renderConfigurations(out, report);
        for (ScenarioInfo scenario : report.scenarios()) {
            renderScenario(out, report, scenario);
        }
        renderGrowth(out, report);
        renderCostModel(out, report.costModel());
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /** The ids of every chart {@link #render} draws for {@code report}, in page order. */
    public static List<String> chartIds(ComparisonReport report) {
        List<String> ids = new ArrayList<>();
        for (ScenarioInfo scenario : report.scenarios()) {
            scenarioCharts(report, scenario).charts().forEach(c -> ids.add(c.id()));
        }
        for (SizeSweep sweep : report.sweeps()) {
            sweepCharts(sweep).forEach(c -> ids.add(c.id()));
        }
        return ids;
    }

    private static void renderProblems(StringBuilder out, ComparisonReport report) {
        out.append("<section id=\"problems\">\n<h2>The mail's problems, from the numbers</h2>\n")
                .append("<p class=\"note\">Each line is filled in from this report's measurements.</p>\n");
        for (ProblemSummary summary : ProblemSummaries.of(report)) {
            out.append("<article id=\"").append(summary.problem().id()).append("\">\n<h3>")
                    .append(esc(summary.problem().title())).append("</h3>\n<p class=\"question\">")
                    .append(esc(summary.problem().question())).append("</p>\n");
            if (!summary.findings().isEmpty()) {
                out.append("<ul>\n");
                summary.findings().forEach(f -> out.append("<li>").append(esc(f)).append("</li>\n"));
                out.append("</ul>\n");
            }
            summary.missing().forEach(m -> out.append("<p class=\"missing\">").append(esc(m)).append("</p>\n"));
            out.append("</article>\n");
        }
        out.append("</section>\n");
    }

    private static void renderConfigurations(StringBuilder out, ComparisonReport report) {
        out.append("<section id=\"configurations\">\n<h2>Configurations</h2>\n<table>\n")
                .append("<tr><th>configuration</th><th>arch</th><th>strategy</th><th>variant</th></tr>\n");
        for (Configuration c : report.configurations()) {
            out.append("<tr><td>").append(esc(c.id())).append("</td><td>").append(esc(c.arch())).append("</td><td>")
                    .append(esc(c.strategy())).append("</td><td>")
                    .append(c.variant().isEmpty() ? "defaults" : esc(c.variantText())).append("</td></tr>\n");
        }
        out.append("</table>\n</section>\n");
    }

    private static void renderScenario(StringBuilder out, ComparisonReport report, ScenarioInfo scenario) {
        List<RunResult> results = report.resultsOf(scenario.name());
        out.append("<section class=\"scenario\" id=\"").append(scenarioAnchor(scenario.name())).append("\">\n<h2>")
                .append(esc(scenario.name())).append("</h2>\n");
        if (!scenario.description().isEmpty()) {
            out.append("<p>").append(esc(scenario.description())).append("</p>\n");
        }
        if (!scenario.parameters().isEmpty()) {
            out.append("<p class=\"note\">Parameters: ").append(esc(scenario.parameters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")))).append("</p>\n");
        }
        if (results.isEmpty()) {
            out.append("<p class=\"missing\">No results for this scenario.</p>\n</section>\n");
            return;
        }
        RunResult fastest = results.stream().min((a, b) -> Long.compare(a.metrics().modelledNanos(),
                b.metrics().modelledNanos())).orElseThrow();
        RunResult slowest = results.stream().max((a, b) -> Long.compare(a.metrics().modelledNanos(),
                b.metrics().modelledNanos())).orElseThrow();
        out.append("<p>Modelled time: least ").append(esc(label(fastest, results))).append(" (")
                .append(Numbers.micros(fastest.metrics().modelledNanos())).append(" &micro;s), most ")
                .append(esc(label(slowest, results))).append(" (").append(Numbers.micros(slowest.metrics().modelledNanos()))
                .append(" &micro;s).</p>\n");
        ScenarioCharts charts = scenarioCharts(report, scenario);
        out.append("<div class=\"charts\">\n");
        for (Chart chart : charts.charts()) {
            out.append("<figure>").append(chart.svg().get()).append("</figure>\n");
        }
        out.append("</div>\n");
        charts.notes().forEach(n -> out.append("<p class=\"note\">").append(esc(n)).append("</p>\n"));
        renderNumbers(out, results);
        for (RunResult result : results) {
            if (result.outcome() == Outcome.FAILED) {
                out.append("<p class=\"failed\">Failed: ").append(esc(label(result, results))).append(": ")
                        .append(esc(result.failure())).append("</p>\n");
            }
        }
        out.append("</section>\n");
    }

    private static void renderNumbers(StringBuilder out, List<RunResult> results) {
        Set<String> errnos = new LinkedHashSet<>();
        results.stream().flatMap(r -> r.errors().keySet().stream()).sorted().forEach(errnos::add);
        out.append("<div class=\"wide\"><table class=\"numbers\">\n<tr><th></th>");
        results.forEach(r -> out.append("<th>").append(esc(label(r, results))).append("</th>"));
        out.append("</tr>\n<tr><th>outcome</th>");
        results.forEach(r -> out.append(r.outcome() == Outcome.OK ? "<td>ok</td>" : "<td class=\"failed\">failed</td>"));
        out.append("</tr>\n");
        for (String metric : Metrics.REQUIRED) {
            out.append("<tr><th>").append(metric).append("</th>");
            results.forEach(r -> out.append("<td>").append(Numbers.group(r.metrics().get(metric))).append("</td>"));
            out.append("</tr>\n");
        }
        for (String errno : errnos) {
            out.append("<tr><th>errors.").append(errno).append("</th>");
            results.forEach(r -> out.append("<td>").append(r.errorCount(errno) == 0 ? "-"
                    : Numbers.group(r.errorCount(errno))).append("</td>"));
            out.append("</tr>\n");
        }
        out.append("</table></div>\n");
    }

    private record Chart(String id, Supplier<String> svg) {}

    private record ScenarioCharts(List<Chart> charts, List<String> notes) {}

    private static ScenarioCharts scenarioCharts(ComparisonReport report, ScenarioInfo scenario) {
        List<RunResult> results = report.resultsOf(scenario.name());
        List<Chart> charts = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (results.isEmpty()) {
            return new ScenarioCharts(charts, notes);
        }
        String base = CHART_ID_PREFIX + slug(scenario.name()) + "-";
        String name = scenario.name();
        charts.add(new Chart(base + "hypercalls", () -> SvgCharts.bars(base + "hypercalls",
                name + ": hypercalls and hypervisor entries", "count",
                metricDataset(results, List.of("hypercalls", "hypervisorEntries")), false)));
        charts.add(new Chart(base + "modelled", () -> SvgCharts.bars(base + "modelled",
                name + ": modelled time by event", "microseconds", costDataset(results, report.costModel()), true)));
        addIfMeasured(charts, notes, results, base + "pinning", name + ": locked pages and registrations at peak",
                "count", List.of("lockedPagesPeak", "registrationsPeak"));
        addIfMeasured(charts, notes, results, base + "heap", name + ": Xen heap bytes", "bytes",
                List.of("xenHeapBytesPeak", "xenHeapBytesLeaked"));
        addIfMeasured(charts, notes, results, base + "leaks", name + ": left behind at the end", "count",
                LEAK_METRICS);
        addIfMeasured(charts, notes, results, base + "translation", name + ": translation steps and copy faults",
                "count", List.of("translationSteps", "hypervisorFaults"));
        return new ScenarioCharts(charts, notes);
    }

    private static void addIfMeasured(List<Chart> charts, List<String> notes, List<RunResult> results, String id,
            String title, String unit, List<String> metrics) {
        boolean any = results.stream().anyMatch(r -> metrics.stream().anyMatch(m -> r.metrics().getOrZero(m) != 0));
        if (any) {
            charts.add(new Chart(id, () -> SvgCharts.bars(id, title, unit, metricDataset(results, metrics), false)));
        } else {
            notes.add("No chart of " + String.join(", ", metrics) + ": 0 in every run.");
        }
    }

    private static DefaultCategoryDataset metricDataset(List<RunResult> results, List<String> metrics) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (RunResult result : results) {
            for (String metric : metrics) {
                dataset.addValue(result.metrics().getOrZero(metric), metric, label(result, results));
            }
        }
        return dataset;
    }

    private static DefaultCategoryDataset costDataset(List<RunResult> results, CostModel costModel) {
        Set<CostEvent> used = new LinkedHashSet<>();
        List<Map<CostEvent, Double>> shares = new ArrayList<>();
        for (RunResult result : results) {
            Map<CostEvent, Double> share = costModel.nanosByEvent(result.metrics()::getOrZero);
            shares.add(share);
            share.forEach((event, nanos) -> {
                if (nanos > 0) {
                    used.add(event);
                }
            });
        }
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (CostEvent event : CostEvent.values()) {
            if (!used.contains(event)) {
                continue;
            }
            for (int i = 0; i < results.size(); i++) {
                dataset.addValue(shares.get(i).get(event) / 1000.0, costName(event), label(results.get(i), results));
            }
        }
        if (used.isEmpty()) {
            results.forEach(r -> dataset.addValue(0, "modelledNanos", label(r, results)));
        }
        return dataset;
    }

    private static String costName(CostEvent event) {
        return event.isBandwidth() ? "copies" : event.key().replace("Nanos", "");
    }

    private static void renderGrowth(StringBuilder out, ComparisonReport report) {
        out.append("<section id=\"growth\">\n<h2>How costs grow with size</h2>\n");
        if (report.sweeps().isEmpty()) {
            out.append("<p class=\"missing\">This report holds no size sweep, so how costs grow with size cannot")
                    .append(" be judged from it.</p>\n</section>\n");
            return;
        }
        for (SizeSweep sweep : report.sweeps()) {
            out.append("<h3>").append(esc(sweep.scenario())).append(" by ").append(esc(sweep.parameter()))
                    .append("</h3>\n<p class=\"note\">").append(esc(sweep.parameter())).append(" = ")
                    .append(sweep.values().stream().map(Numbers::group).collect(Collectors.joining(", ")))
                    .append("; seed ").append(sweep.seed());
            if (!sweep.fixedParameters().isEmpty()) {
                out.append("; other parameters ").append(esc(sweep.fixedParameters().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
            }
            out.append(".</p>\n<div class=\"charts\">\n");
            for (Chart chart : sweepCharts(sweep)) {
                out.append("<figure>").append(chart.svg().get()).append("</figure>\n");
            }
            out.append("</div>\n");
            for (SweepSeries series : sweep.series()) {
                for (SweepPoint point : series.points()) {
                    if (point.outcome() == Outcome.FAILED) {
                        out.append("<p class=\"failed\">Failed: ").append(esc(series.configuration())).append(" at ")
                                .append(esc(sweep.parameter())).append('=').append(point.value()).append(": ")
                                .append(esc(point.failure())).append("</p>\n");
                    }
                }
            }
        }
        out.append("</section>\n");
    }

    private static List<Chart> sweepCharts(SizeSweep sweep) {
        String base = CHART_ID_PREFIX + "sweep-" + slug(sweep.scenario()) + "-" + slug(sweep.parameter()) + "-";
        List<Chart> charts = new ArrayList<>();
        charts.add(new Chart(base + "hypercalls", () -> SvgCharts.lines(base + "hypercalls",
                sweep.scenario() + ": hypercalls by " + sweep.parameter(), sweep.parameter(), "hypercalls",
                sweepDataset(sweep, "hypercalls", 1))));
        charts.add(new Chart(base + "modelled", () -> SvgCharts.lines(base + "modelled",
                sweep.scenario() + ": modelled time by " + sweep.parameter(), sweep.parameter(), "microseconds",
                sweepDataset(sweep, Metrics.MODELLED_NANOS, 1000))));
        boolean steps = sweep.series().stream().flatMap(s -> s.points().stream())
                .anyMatch(p -> p.metrics().getOrZero("translationSteps") != 0);
        if (steps) {
            charts.add(new Chart(base + "translation", () -> SvgCharts.lines(base + "translation",
                    sweep.scenario() + ": translation steps by " + sweep.parameter(), sweep.parameter(),
                    "translation steps", sweepDataset(sweep, "translationSteps", 1))));
        }
        return charts;
    }

    private static XYSeriesCollection sweepDataset(SizeSweep sweep, String metric, double divisor) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (SweepSeries series : sweep.series()) {
            XYSeries line = new XYSeries(series.configuration(), false, true);
            for (SweepPoint point : series.points()) {
                line.add(point.value(), point.metrics().getOrZero(metric) / divisor);
            }
            dataset.addSeries(line);
        }
        return dataset;
    }

    private static void renderCostModel(StringBuilder out, CostModel costModel) {
        out.append("<section id=\"cost-model\">\n<h2>Cost model</h2>\n<p>Source: ").append(esc(costModel.source()))
                .append(". modelledNanos = round(&sum; count &times; ns per event + bytes copied / bandwidth);")
                .append(" see docs/cost-model.md.</p>\n<div class=\"wide\"><table>\n")
                .append("<tr><th>key</th><th>value</th><th>unit</th><th>default</th><th>counts</th>")
                .append("<th>source of the default</th></tr>\n");
        for (CostEvent event : CostEvent.values()) {
            out.append("<tr").append(costModel.isOverridden(event) ? " class=\"overridden\"" : "").append("><td>")
                    .append(event.key()).append("</td><td>").append(Numbers.cost(costModel.value(event)))
                    .append("</td><td>").append(event.unit()).append("</td><td>")
                    .append(Numbers.cost(event.defaultValue())).append("</td><td>")
                    .append(String.join(" + ", event.metrics())).append("</td><td>").append(esc(event.source()))
                    .append("</td></tr>\n");
        }
        out.append("</table></div>\n</section>\n");
    }

    private static String label(RunResult result, List<RunResult> results) {
        boolean severalSeeds = results.stream().map(RunResult::seed).distinct().count() > 1;
        return severalSeeds ? result.configuration() + " seed " + result.seed() : result.configuration();
    }

    private static String scenarioAnchor(String name) {
        return "scenario-" + slug(name);
    }

    static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    static String esc(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em;
                   color: #222; line-height: 1.4; }
            h1 { margin-bottom: 0.2em; }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
            nav { font-size: 0.9em; }
            nav a, a { color: #2b5d8a; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; border: 1px solid #e3e3e3; background: #fff; }
            figure svg { display: block; }
            .note { color: #555; font-size: 0.9em; }
            .question { font-style: italic; }
            .missing { color: #8a5300; }
            .failed { color: #b00020; }
            .wide { overflow-x: auto; }
            table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
            th, td { border: 1px solid #ddd; padding: 2px 6px; vertical-align: top; }
            table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
            th { background: #f4f4f4; text-align: left; }
            tr.overridden td { background: #fff6d5; }
            article { margin-bottom: 1em; }
            """;
}
