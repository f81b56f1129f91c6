package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.Stat;

/**
 * The CSV report: a header row, then one row per result in the report's order, with the same
 * numbers as the JSON report (docs/report-schema.md, "CSV"). Columns:
 * <ol>
 *   <li>{@code configuration, arch, strategy, variant, scenario, scenarioParameters, seed, outcome,
 *       failure}: {@code variant} and {@code scenarioParameters} are {@code key=value} pairs joined by
 *       {@code ;} (empty if none), {@code failure} is empty for an ok run;</li>
 *   <li>one column per metric, named as in JSON, the report cost model's {@link org.xencommlab.examples.cost.MetricCatalog#knownNames()} order, then any
 *       further metric of any result in name order (empty where a result lacks it);</li>
 *   <li>{@code errors.<ERRNO>} for every Xen errno in {@link XenErrno} order, 0 when not seen.</li>
 * </ol>
 * RFC 4180 quoting (a field holding a comma, quote or line break is quoted, quotes doubled); lines
 * end with {@code \n}.
 */
public final class CsvRenderer {
    /** The columns before the metrics. */
    public static final List<String> LEADING_COLUMNS = List.of(
            "configuration", "arch", "strategy", "variant", "scenario", "scenarioParameters", "seed", "outcome",
            "failure");

    /** The prefix of the error columns. */
    public static final String ERROR_PREFIX = "errors.";

    private CsvRenderer() {}

    /** The columns of the aggregate CSV (one row per configuration x scenario x metric). */
    public static final List<String> AGGREGATE_COLUMNS = List.of(
            "configuration", "arch", "strategy", "variant", "scenario", "scenarioParameters", "runs", "failed",
            "metric", "median", "mean", "sd", "min", "max", "ciLow", "ciHigh");

    /**
     * The CSV: one row per run when the report kept its runs ({@code --raw}), else one row per
     * configuration x scenario x metric with its statistics.
     */
    public static String render(ComparisonReport report) {
        requireNonNull(report, "report is null");
        return report.results().isEmpty() ? renderAggregates(report) : renderRuns(report);
    }

    /**
     * Long form: {@link #AGGREGATE_COLUMNS}; {@code metric} is a metric's name or
     * {@code errors.<ERRNO>} (errnos some run saw); a count that did not vary has the same number in
     * every statistic column.
     */
    public static String renderAggregates(ComparisonReport report) {
        StringBuilder out = new StringBuilder();
        line(out, AGGREGATE_COLUMNS);
        for (Aggregate aggregate : report.aggregates()) {
            java.util.Map<String, Stat> all = new java.util.LinkedHashMap<>(aggregate.metrics());
            aggregate.errors().forEach((errno, stat) -> all.put(ERROR_PREFIX + errno, stat));
            all.forEach((metric, stat) -> line(out, List.of(aggregate.configuration(), aggregate.arch(),
                    aggregate.strategy(), pairs(aggregate.variant()), aggregate.scenario(),
                    pairs(aggregate.scenarioParameters()), Long.toString(aggregate.runs()),
                    Long.toString(aggregate.failed()), metric, number(stat.median()), number(stat.mean()),
                    number(stat.sd()), Long.toString(stat.min()), Long.toString(stat.max()), number(stat.ciLow()),
                    number(stat.ciHigh()))));
        }
        return out.toString();
    }

    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** One row per run (the columns in the class comment). */
    public static String renderRuns(ComparisonReport report) {
        List<String> metricNames = metricColumns(report);
        List<String> header = new ArrayList<>(LEADING_COLUMNS);
        header.addAll(metricNames);
        for (XenErrno errno : XenErrno.values()) {
            header.add(ERROR_PREFIX + errno.name());
        }
        StringBuilder out = new StringBuilder();
        line(out, header);
        for (RunResult result : report.results()) {
            List<String> row = new ArrayList<>(header.size());
            row.add(result.configuration());
            row.add(result.arch());
            row.add(result.strategy());
            row.add(pairs(result.variant()));
            row.add(result.scenario());
            row.add(pairs(result.scenarioParameters()));
            row.add(Long.toString(result.seed()));
            row.add(result.outcome().reportName());
            row.add(result.failure() == null ? "" : result.failure());
            for (String metric : metricNames) {
                row.add(result.metrics().has(metric) ? Long.toString(result.metrics().get(metric)) : "");
            }
            for (XenErrno errno : XenErrno.values()) {
                row.add(Long.toString(result.errorCount(errno.name())));
            }
            line(out, row);
        }
        return out.toString();
    }

    private static List<String> metricColumns(ComparisonReport report) {
        Set<String> names = new LinkedHashSet<>(report.costModel().catalog().knownNames());
        Set<String> extra = new TreeSet<>();
        for (RunResult result : report.results()) {
            for (String name : result.metrics().names()) {
                if (!names.contains(name)) {
                    extra.add(name);
                }
            }
        }
        names.addAll(extra);
        return List.copyOf(names);
    }

    private static String pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(fields.get(i)));
        }
        out.append('\n');
    }

    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
