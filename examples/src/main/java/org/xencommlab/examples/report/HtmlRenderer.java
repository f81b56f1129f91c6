package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.Sensitivity;
import org.xencommlab.examples.report.model.Stat;
import org.xencommlab.examples.report.model.SizeSweep;
import org.xencommlab.examples.report.model.SweepPoint;
import org.xencommlab.examples.report.model.SweepSeries;

/**
 * The HTML report: one self-contained page (inline CSS, inline SVG charts, no script, no external
 * resource of any kind) that opens without a network. Sections: the verdict matrix (configuration x
 * scenario: ok with the median modelled µs, or failed; the cheapest per scenario marked), the largest
 * differences and the summary per problem of the mail ({@link ProblemSummaries}), the sensitivity to
 * the cost model when computed, the configurations, one section per scenario with its charts (means
 * with 95% confidence error bars; failed configurations grey and labelled) and its numbers, how
 * costs grow with size (from the report's {@link SizeSweep}s), every metric's description and the
 * cost model.
 *
 * <p>Every chart is an {@code <svg>} whose {@code id} starts with {@code chart-} and which is listed
 * by {@link #chartIds}; a chart whose metrics are 0 in every run is left out, with a sentence saying
 * so. The same report always gives the same bytes.
 */
public final class HtmlRenderer {
    /** The {@code id} prefix of every chart's {@code <svg>}. */
    public static final String CHART_ID_PREFIX = "chart-";

    private HtmlRenderer() {}

    /** The page. */
    public static String render(ComparisonReport report) {
        requireNonNull(report, "report is null");
        StringBuilder out = new StringBuilder(256 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>xencomm-lab comparison, seed ").append(report.seed()).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        boolean repeated = report.aggregates().stream().anyMatch(a -> a.runs() > 1);
        out.append("<header>\n<h1>xencomm-lab comparison</h1>\n<p>xencomm-lab ").append(esc(report.toolVersion()))
                .append(", seed ").append(report.seed()).append(": ").append(report.configurations().size())
                .append(" configurations &times; ").append(report.scenarios().size()).append(" scenarios, ")
                .append(report.runCount()).append(" runs, ").append(report.failedCount()).append(" failed. Cost model: ")
                .append(esc(report.costModel().source())).append(". Counts are exact; times are modelled.");
        if (repeated) {
            out.append(" Several seeds per configuration: bars show means with 95% confidence intervals as error")
                    .append(" bars; a varying count in a table shows mean &plusmn;half-width, with its median and")
                    .append(" range below.");
        }
        out.append("</p>\n");
        out.append("<nav><a href=\"#verdict\">Verdict</a> &middot; <a href=\"#problems\">The mail's problems</a>");
        if (!report.sensitivity().isEmpty()) {
            out.append(" &middot; <a href=\"#sensitivity\">Sensitivity</a>");
        }
        out.append(" &middot; <a href=\"#configurations\">Configurations</a>");
        for (ScenarioInfo scenario : report.scenarios()) {
            out.append(" &middot; <a href=\"#").append(scenarioAnchor(scenario.name())).append("\">")
                    .append(esc(scenario.name())).append("</a>");
        }
        out.append(" &middot; <a href=\"#growth\">Growth with size</a> &middot; <a href=\"#metrics\">Metrics</a>")
                .append(" &middot; <a href=\"#cost-model\">Cost model</a></nav>\n</header>\n");

        renderVerdict(out, report);
        renderProblems(out, report);
        renderSensitivity(out, report);
        renderConfigurations(out, report);
        for (ScenarioInfo scenario : report.scenarios()) {
            renderScenario(out, report, scenario);
        }
        renderGrowth(out, report);
        renderMetrics(out, report);
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

    /** The matrix: a row per configuration, a column per scenario; ok with the median µs, or failed; cheapest marked. */
    private static void renderVerdict(StringBuilder out, ComparisonReport report) {
        Map<String, Configuration> cheapest = Verdicts.cheapest(report);
        out.append("<section id=\"verdict\">\n<h2>Verdict</h2>\n<p class=\"note\">Each cell: the outcome and the")
                .append(" median modelled time in &micro;s; &#9733; marks the cheapest completed configuration of the")
                .append(" scenario.</p>\n<div class=\"wide\"><table class=\"matrix pinned\">\n<tr><th>configuration</th>");
        report.scenarios().forEach(s -> out.append("<th><a href=\"#").append(scenarioAnchor(s.name())).append("\">")
                .append(esc(s.name())).append("</a></th>"));
        out.append("</tr>\n");
        for (Configuration configuration : report.configurations()) {
            out.append("<tr><th>").append(esc(configuration.id())).append("</th>");
            for (ScenarioInfo scenario : report.scenarios()) {
                Optional<Aggregate> cell = Verdicts.of(report, configuration, scenario.name());
                if (cell.isEmpty()) {
                    out.append("<td class=\"none\">&ndash;</td>");
                } else if (cell.get().outcome() == Outcome.FAILED) {
                    Aggregate a = cell.get();
                    out.append("<td class=\"failed\" title=\"").append(esc(a.failure())).append("\">failed")
                            .append(a.failed() == a.runs() ? "" : " " + a.failed() + "/" + a.runs()).append("</td>");
                } else {
                    boolean best = configuration.equals(cheapest.get(scenario.name()));
                    out.append("<td class=\"").append(best ? "ok cheapest" : "ok").append("\">ok ")
                            .append(Numbers.micros(Math.round(cell.get().median(Metrics.MODELLED_NANOS))))
                            .append(best ? " &#9733;" : "").append("</td>");
                }
            }
            out.append("</tr>\n");
        }
        out.append("</table></div>\n</section>\n");
    }

    private static void renderProblems(StringBuilder out, ComparisonReport report) {
        out.append("<section id=\"problems\">\n<h2>The mail's problems, from the numbers</h2>\n")
                .append("<p class=\"note\">Each line is filled in from this report's measurements, largest effect first.</p>\n");
        List<String> headlines = ProblemSummaries.headlines(report);
        if (!headlines.isEmpty()) {
            out.append("<article id=\"headlines\">\n<h3>Largest differences</h3>\n<ul>\n");
            headlines.forEach(h -> out.append("<li>").append(esc(h)).append("</li>\n"));
            out.append("</ul>\n</article>\n");
        }
        for (ProblemSummary summary : ProblemSummaries.of(report)) {
            out.append("<article id=\"").append(summary.problem().id()).append("\">\n<h3>")
                    .append(esc(summary.problem().title())).append("</h3>\n<p class=\"question\">")
                    .append(esc(summary.problem().question())).append("</p>\n");
            if (!summary.findings().isEmpty()) {
                out.append("<ul>\n");
                summary.findings().forEach(f -> out.append("<li>").append(esc(f)).append("</li>\n"));
                out.append("</ul>\n");
            } else if (summary.missing().isEmpty()) {
                out.append("<p class=\"note\">Nothing measured differs from 0 here.</p>\n");
            }
            summary.missing().forEach(m -> out.append("<p class=\"missing\">").append(esc(m)).append("</p>\n"));
            out.append("</article>\n");
        }
        out.append("</section>\n");
    }

    private static void renderSensitivity(StringBuilder out, ComparisonReport report) {
        if (report.sensitivity().isEmpty()) {
            return;
        }
        out.append("<section id=\"sensitivity\">\n<h2>Sensitivity to the cost model</h2>\n<p class=\"note\">Each")
                .append(" per-event cost scaled on its own by x").append(report.sensitivity().get(0).factors().stream()
                        .map(Numbers::cost).collect(Collectors.joining(", x")))
                .append("; configurations ranked by mean modelled time; failed ones not ranked.</p>\n")
                .append("<div class=\"wide\"><table>\n<tr><th>scenario</th><th>cheapest first</th><th>verdict</th></tr>\n");
        for (Sensitivity sensitivity : report.sensitivity()) {
            out.append("<tr><th>").append(esc(sensitivity.scenario())).append("</th><td>")
                    .append(esc(String.join(" < ", sensitivity.ranking()))).append("</td><td>")
                    .append(esc(sensitivity.verdict())).append("</td></tr>\n");
        }
        out.append("</table></div>\n</section>\n");
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
        List<Aggregate> aggregates = report.aggregatesOf(scenario.name());
        out.append("<section class=\"scenario\" id=\"").append(scenarioAnchor(scenario.name())).append("\">\n<h2>")
                .append(esc(scenario.name())).append("</h2>\n");
        if (!scenario.description().isEmpty()) {
            out.append("<p>").append(esc(scenario.description())).append("</p>\n");
        }
        if (!scenario.parameters().isEmpty()) {
            out.append("<p class=\"note\">Parameters: ").append(esc(scenario.parameters().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")))).append("</p>\n");
        }
        if (aggregates.isEmpty()) {
            out.append("<p class=\"missing\">No results for this scenario.</p>\n</section>\n");
            return;
        }
        List<Aggregate> ok = aggregates.stream().filter(a -> a.outcome() == Outcome.OK).toList();
        if (!ok.isEmpty()) {
            Aggregate fastest = ok.stream().min(Comparator.comparingDouble(a -> a.median(Metrics.MODELLED_NANOS))).orElseThrow();
            Aggregate slowest = ok.stream().max(Comparator.comparingDouble(a -> a.median(Metrics.MODELLED_NANOS))).orElseThrow();
            out.append("<p>Median modelled time of the completed configurations: least ").append(esc(fastest.configuration()))
                    .append(" (").append(Numbers.micros(Math.round(fastest.median(Metrics.MODELLED_NANOS))))
                    .append(" &micro;s), most ").append(esc(slowest.configuration())).append(" (")
                    .append(Numbers.micros(Math.round(slowest.median(Metrics.MODELLED_NANOS)))).append(" &micro;s).</p>\n");
        }
        ScenarioCharts charts = scenarioCharts(report, scenario);
        out.append("<div class=\"charts\">\n");
        for (Chart chart : charts.charts()) {
            out.append("<figure>").append(chart.svg().get()).append("</figure>\n");
        }
        out.append("</div>\n");
        charts.notes().forEach(n -> out.append("<p class=\"note\">").append(esc(n)).append("</p>\n"));
        renderNumbers(out, aggregates, report.costModel().catalog());
        renderCalls(out, aggregates);
        for (Aggregate aggregate : aggregates) {
            if (aggregate.outcome() == Outcome.FAILED) {
                out.append("<p class=\"failed\">Failed: ").append(esc(aggregate.configuration()));
                if (aggregate.runs() > 1) {
                    out.append(" (").append(aggregate.failed()).append(" of ").append(aggregate.runs()).append(" runs)");
                }
                out.append(": ").append(esc(aggregate.failure())).append("</p>\n");
            }
        }
        out.append("</section>\n");
    }

    /** Metrics as rows, configurations as columns; the metric column is pinned so wide tables stay readable. */
    private static void renderNumbers(StringBuilder out, List<Aggregate> aggregates,
            org.xencommlab.examples.cost.MetricCatalog catalog) {
        Set<String> errnos = new LinkedHashSet<>();
        aggregates.stream().flatMap(a -> a.errors().keySet().stream()).sorted().forEach(errnos::add);
        List<String> rows = new ArrayList<>(catalog.headline());
        Set<String> extra = new java.util.TreeSet<>();
        for (Aggregate aggregate : aggregates) {
            aggregate.metrics().forEach((name, stat) -> {
                if (!catalog.headline().contains(name) && stat.max() != 0 && !name.startsWith(Metrics.CALL_PREFIX)) {
                    extra.add(name);
                }
            });
        }
        for (String name : catalog.knownNames()) {
            if (extra.remove(name)) {
                rows.add(name);
            }
        }
        rows.addAll(extra);
        out.append("<div class=\"wide\"><table class=\"numbers pinned\">\n<tr><th>metric</th>");
        aggregates.forEach(a -> out.append("<th>").append(esc(a.configuration()))
                .append(a.runs() > 1 ? "<br><span class=\"note\">" + a.runs() + " seeds</span>" : "").append("</th>"));
        out.append("</tr>\n<tr><th>outcome</th>");
        aggregates.forEach(a -> out.append(a.outcome() == Outcome.OK ? "<td>ok</td>" : "<td class=\"failed\">failed"
                + (a.failed() == a.runs() ? "" : " " + a.failed() + "/" + a.runs()) + "</td>"));
        out.append("</tr>\n");
        for (String metric : rows) {
            out.append("<tr><th title=\"").append(esc(MetricDescriptions.of(metric).orElse(metric))).append("\">")
                    .append(esc(metric)).append("</th>");
            aggregates.forEach(a -> out.append("<td>").append(cell(a.metric(metric))).append("</td>"));
            out.append("</tr>\n");
        }
        for (String errno : errnos) {
            out.append("<tr><th>errors.").append(errno).append("</th>");
            aggregates.forEach(a -> out.append("<td>").append(a.error(errno).max() == 0 ? "-" : cell(a.error(errno)))
                    .append("</td>"));
            out.append("</tr>\n");
        }
        out.append("</table></div>\n");
    }

    /** Per hypercall and sub-operation: calls, and the modelled µs of what was counted while they ran. */
    private static void renderCalls(StringBuilder out, List<Aggregate> aggregates) {
        Set<String> calls = new java.util.TreeSet<>();
        aggregates.forEach(a -> a.metrics().keySet().stream()
                .filter(n -> n.startsWith(Metrics.CALL_PREFIX) && n.endsWith(".calls"))
                .forEach(n -> calls.add(n.substring(Metrics.CALL_PREFIX.length(), n.length() - ".calls".length()))));
        if (calls.isEmpty()) {
            return;
        }
        out.append("<h3>Per hypercall</h3>\n<p class=\"note\">Each cell: calls (hypervisor entries, when")
                .append(" continuations added some) and the modelled &micro;s of what the machine counted while")
                .append(" they ran.</p>\n<div class=\"wide\"><table class=\"numbers pinned calls\">\n<tr><th>hypercall</th>");
        aggregates.forEach(a -> out.append("<th>").append(esc(a.configuration())).append("</th>"));
        out.append("</tr>\n");
        for (String call : calls) {
            String base = Metrics.CALL_PREFIX + call;
            out.append("<tr><th title=\"").append(esc(MetricDescriptions.of(base + ".modelledNanos").orElse(call)))
                    .append("\">").append(esc(call)).append("</th>");
            for (Aggregate a : aggregates) {
                Stat n = a.metric(base + ".calls");
                Stat entries = a.metric(base + ".entries");
                Stat nanos = a.metric(base + ".modelledNanos");
                if (n.max() == 0) {
                    out.append("<td>-</td>");
                    continue;
                }
                out.append("<td>").append(esc(Numbers.stat(n)));
                if (!entries.equals(n)) {
                    out.append(" (").append(esc(Numbers.stat(entries))).append(")");
                }
                out.append("<br>").append(Numbers.micros(Math.round(nanos.mean()))).append(" &micro;s</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table></div>\n");
    }

    private static String cell(Stat stat) {
        if (stat.constantValue()) {
            return Numbers.group(stat.min());
        }
        return esc(Numbers.stat(stat)) + "<br><span class=\"note\">median " + Numbers.decimal(stat.median()) + ", "
                + Numbers.group(stat.min()) + "..." + Numbers.group(stat.max()) + "</span>";
    }

    private record Chart(String id, Supplier<String> svg) {}

    private record ScenarioCharts(List<Chart> charts, List<String> notes) {}

    /** The metric groups charted per scenario: one unit per chart, so pages and registrations never share an axis. */
    private static final List<MetricChart> METRIC_CHARTS = List.of(
            new MetricChart("hypercalls", "hypercalls and hypervisor entries", "count",
                    List.of("hypercalls", "hypervisorEntries"), true),
            new MetricChart("pages", "pages locked or pinned", "pages",
                    List.of("lockedPagesPeak", "lockedPagesLeaked", "pinnedFramesPeak", "pinnedFramesLeaked"), false),
            new MetricChart("registrations", "registrations", "registrations",
                    List.of("registrations", "registrationsPeak", "registrationsLeaked"), false),
            new MetricChart("heap", "Xen heap bytes", "bytes", List.of("xenHeapBytesPeak", "xenHeapBytesLeaked"), false),
            new MetricChart("translation", "translation steps", "steps", List.of("translationSteps"), false),
            new MetricChart("faults", "copy faults and retries", "count", List.of("hypervisorFaults", "retries"), false));

    private record MetricChart(String suffix, String title, String unit, List<String> metrics, boolean always) {}

    private static ScenarioCharts scenarioCharts(ComparisonReport report, ScenarioInfo scenario) {
        List<Aggregate> aggregates = report.aggregatesOf(scenario.name());
        List<Chart> charts = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (aggregates.isEmpty()) {
            return new ScenarioCharts(charts, notes);
        }
        String base = CHART_ID_PREFIX + slug(scenario.name()) + "-";
        String name = scenario.name();
        Set<String> failed = failedLabels(aggregates);
        charts.add(new Chart(base + "modelled", () -> SvgCharts.bars(base + "modelled",
                name + ": modelled time", "microseconds", modelledDataset(aggregates), failed, Map.of(), false)));
        charts.add(new Chart(base + "events", () -> SvgCharts.shares(base + "events",
                name + ": modelled time by cost event", costDataset(aggregates, report.costModel()), failed,
                eventColours(report.costModel()))));
        for (MetricChart chart : METRIC_CHARTS) {
            boolean any = aggregates.stream().anyMatch(a -> chart.metrics().stream().anyMatch(m -> a.metric(m).max() != 0));
            String id = base + chart.suffix();
            if (chart.always() || any) {
                charts.add(new Chart(id, () -> SvgCharts.bars(id, name + ": " + chart.title(), chart.unit(),
                        metricDataset(aggregates, chart.metrics()), failed, Map.of(), true)));
            } else {
                notes.add("No chart of " + String.join(", ", chart.metrics()) + ": 0 in every run.");
            }
        }
        return new ScenarioCharts(charts, notes);
    }

    private static Set<String> failedLabels(List<Aggregate> aggregates) {
        Set<String> failed = new LinkedHashSet<>();
        aggregates.stream().filter(a -> a.outcome() == Outcome.FAILED).forEach(a -> failed.add(label(a)));
        return failed;
    }

    private static DefaultStatisticalCategoryDataset metricDataset(List<Aggregate> aggregates, List<String> metrics) {
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        for (Aggregate aggregate : aggregates) {
            for (String metric : metrics) {
                Stat stat = aggregate.metric(metric);
                dataset.add(stat.mean(), stat.ciHalfWidth(), metric, label(aggregate));
            }
        }
        return dataset;
    }

    private static DefaultStatisticalCategoryDataset modelledDataset(List<Aggregate> aggregates) {
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        for (Aggregate aggregate : aggregates) {
            Stat stat = aggregate.metric(Metrics.MODELLED_NANOS);
            dataset.add(stat.mean() / 1000, stat.ciHalfWidth() / 1000, "modelled time", label(aggregate));
        }
        return dataset;
    }

    /** Each cost event's share of the mean modelled time, in percent. */
    private static DefaultCategoryDataset costDataset(List<Aggregate> aggregates, CostModel costModel) {
        Set<CostDefinition> used = new LinkedHashSet<>();
        List<Map<CostDefinition, Double>> shares = new ArrayList<>();
        for (Aggregate aggregate : aggregates) {
            Map<CostDefinition, Double> share = costModel.nanosByEventOf(m -> aggregate.metric(m).mean());
            shares.add(share);
            share.forEach((event, nanos) -> {
                if (nanos > 0) {
                    used.add(event);
                }
            });
        }
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (CostDefinition event : costModel.catalog().costs()) {
            if (!used.contains(event)) {
                continue;
            }
            for (int i = 0; i < aggregates.size(); i++) {
                double total = shares.get(i).values().stream().mapToDouble(Double::doubleValue).sum();
                dataset.addValue(total == 0 ? 0 : 100 * shares.get(i).get(event) / total, costName(event),
                        label(aggregates.get(i)));
            }
        }
        if (used.isEmpty()) {
            aggregates.forEach(a -> dataset.addValue(0, "modelledNanos", label(a)));
        }
        return dataset;
    }

    /** One colour per cost event, by its place in the catalog's cost order: the same in every chart. */
    private static Map<String, java.awt.Paint> eventColours(CostModel costModel) {
        Map<String, java.awt.Paint> colours = new java.util.HashMap<>();
        List<CostDefinition> events = costModel.catalog().costs();
        for (int i = 0; i < events.size(); i++) {
            colours.put(costName(events.get(i)), SvgCharts.colour(i));
        }
        return Map.copyOf(colours);
    }

    private static String costName(CostDefinition event) {
        return event.isBandwidth() ? "copies" : event.key().replace("Nanos", "");
    }

    private static String label(Aggregate aggregate) {
        return aggregate.outcome() == Outcome.FAILED ? aggregate.configuration() + " (FAILED)" : aggregate.configuration();
    }

    private static void renderMetrics(StringBuilder out, ComparisonReport report) {
        out.append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<div class=\"wide\"><table>\n")
                .append("<tr><th>metric</th><th>what it counts</th></tr>\n");
        org.xencommlab.examples.cost.MetricCatalog catalog = report.costModel().catalog();
        Map<String, String> descriptions = new LinkedHashMap<>(MetricDescriptions.all(catalog));
        report.aggregates().forEach(a -> a.metrics().keySet().forEach(name -> {
            if (!descriptions.containsKey(name)) {
                descriptions.put(name, MetricDescriptions.of(catalog, name).orElse("a count the lab added (no description)"));
            }
        }));
        descriptions.forEach((name, text) -> out.append("<tr><td>").append(esc(name)).append("</td><td>")
                .append(esc(text)).append("</td></tr>\n"));
        out.append("</table></div>\n</section>\n");
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
        Map<String, Set<Double>> failed = new LinkedHashMap<>();
        for (SweepSeries series : sweep.series()) {
            for (SweepPoint point : series.points()) {
                if (point.outcome() == Outcome.FAILED) {
                    failed.computeIfAbsent(series.configuration(), c -> new java.util.HashSet<>())
                            .add((double) point.value());
                }
            }
        }
        charts.add(new Chart(base + "hypercalls", () -> SvgCharts.lines(base + "hypercalls",
                sweep.scenario() + ": hypercalls by " + sweep.parameter(), sweep.parameter(), "hypercalls",
                sweepDataset(sweep, "hypercalls", 1), failed, true)));
        charts.add(new Chart(base + "modelled", () -> SvgCharts.lines(base + "modelled",
                sweep.scenario() + ": modelled time by " + sweep.parameter(), sweep.parameter(), "microseconds",
                sweepDataset(sweep, Metrics.MODELLED_NANOS, 1000), failed, false)));
        boolean steps = sweep.series().stream().flatMap(s -> s.points().stream())
                .anyMatch(p -> p.metrics().getOrZero("translationSteps") != 0);
        if (steps) {
            charts.add(new Chart(base + "translation", () -> SvgCharts.lines(base + "translation",
                    sweep.scenario() + ": translation steps by " + sweep.parameter(), sweep.parameter(),
                    "translation steps", sweepDataset(sweep, "translationSteps", 1), failed, true)));
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
        for (CostDefinition event : costModel.catalog().costs()) {
            out.append("<tr").append(costModel.isOverridden(event) ? " class=\"overridden\"" : "").append("><td>")
                    .append(event.key()).append("</td><td>").append(Numbers.cost(costModel.value(event)))
                    .append("</td><td>").append(event.unit().symbol()).append("</td><td>")
                    .append(Numbers.cost(event.defaultValue())).append("</td><td>")
                    .append(String.join(" + ", event.metrics())).append("</td><td>").append(esc(event.description()))
                    .append(". ").append(esc(event.source()))
                    .append("</td></tr>\n");
        }
        out.append("</table></div>\n</section>\n");
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
            .wide { overflow-x: auto; max-width: 100%; }
            table.pinned th:first-child { position: sticky; left: 0; z-index: 1; }
            table.pinned td:first-child { position: sticky; left: 0; background: #fff; }
            table.matrix td { text-align: right; white-space: nowrap; }
            table.matrix td.ok { background: #eef7ee; }
            table.matrix td.cheapest { background: #cfe9cf; font-weight: bold; }
            table.matrix td.failed { background: #fbe3e6; }
            table.numbers th { white-space: nowrap; }
            table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
            th, td { border: 1px solid #ddd; padding: 2px 6px; vertical-align: top; }
            table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
            th { background: #f4f4f4; text-align: left; }
            tr.overridden td { background: #fff6d5; }
            article { margin-bottom: 1em; }
            """;
}
