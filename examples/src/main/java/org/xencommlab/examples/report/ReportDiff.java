package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.TTest;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Stat;

/**
 * What changed between two reports, per configuration x scenario x metric: the medians before and
 * after, the relative change, and whether the change is beyond the noise of the seeds. With two or
 * more runs on each side and some variation, Welch's t-test (Apache Commons Math) decides at the
 * 5% level; a run is a pure function of its seed, so when neither side varied the change is exact,
 * and with one run a side there is no estimate of the noise.
 */
public final class ReportDiff {
    /** The significance level of "beyond the noise". */
    public static final double ALPHA = 0.05;

    private ReportDiff() {}

    /** How a change stands against the noise of the seeds. */
    public enum Noise {
        /** Neither side varied with the seed: the change is exactly what the code did. */
        EXACT("exact: no variation across seeds"),
        /** Welch's test: p &lt; {@link #ALPHA}. */
        BEYOND("beyond the noise"),
        /** Welch's test: p &ge; {@link #ALPHA}. */
        WITHIN("within the noise"),
        /** One run on a side with variation on the other, or one run each of different seeds. */
        UNKNOWN("no noise estimate (one run)");

        private final String phrase;

        Noise(String phrase) {
            this.phrase = phrase;
        }

        public String phrase() {
            return phrase;
        }
    }

    /**
     * One metric that differs.
     *
     * @param scenario the scenario
     * @param configuration the configuration's id
     * @param metric the metric, or {@code errors.<ERRNO>}, or {@code outcome}
     * @param base the base statistic (null for {@code outcome})
     * @param changed the new statistic (null for {@code outcome})
     * @param noise how the change stands against the noise
     * @param p Welch's p-value, or NaN when not tested
     * @param text the line to print
     */
    public record Change(String scenario, String configuration, String metric, Stat base, Stat changed, Noise noise,
            double p, String text) {
        /** The relative change of the median in percent; infinite when the base was 0. */
        public double percent() {
            if (base == null || changed == null) {
                return 0;
            }
            if (base.median() == 0) {
                return changed.median() == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return 100 * (changed.median() - base.median()) / base.median();
        }
    }

    /** The differences, in the new report's order; then what only one report has. */
    public static List<Change> of(ComparisonReport base, ComparisonReport changed) {
        requireNonNull(base, "base is null");
        requireNonNull(changed, "changed is null");
        Map<List<String>, Aggregate> before = new LinkedHashMap<>();
        base.aggregates().forEach(a -> before.put(List.of(a.scenario(), a.configuration()), a));
        List<Change> changes = new ArrayList<>();
        Set<List<String>> seen = new LinkedHashSet<>();
        for (Aggregate after : changed.aggregates()) {
            List<String> key = List.of(after.scenario(), after.configuration());
            seen.add(key);
            Aggregate old = before.get(key);
            if (old == null) {
                changes.add(new Change(after.scenario(), after.configuration(), "outcome", null, null, Noise.EXACT,
                        Double.NaN, after.scenario() + "  " + after.configuration() + ": only in the new report"));
                continue;
            }
            if (old.failed() != after.failed()) {
                changes.add(new Change(after.scenario(), after.configuration(), "outcome", null, null, Noise.EXACT,
                        Double.NaN, after.scenario() + "  " + after.configuration() + "  outcome: " + outcome(old)
                                + " -> " + outcome(after)));
            }
            Set<String> metrics = new LinkedHashSet<>(old.metrics().keySet());
            metrics.addAll(after.metrics().keySet());
            for (String metric : metrics) {
                compare(changes, after, metric, old.metric(metric), after.metric(metric), old.runs(), after.runs());
            }
            Set<String> errnos = new LinkedHashSet<>(old.errors().keySet());
            errnos.addAll(after.errors().keySet());
            for (String errno : errnos) {
                compare(changes, after, "errors." + errno, old.error(errno), after.error(errno), old.runs(),
                        after.runs());
            }
        }
        for (Map.Entry<List<String>, Aggregate> entry : before.entrySet()) {
            if (!seen.contains(entry.getKey())) {
                Aggregate old = entry.getValue();
                changes.add(new Change(old.scenario(), old.configuration(), "outcome", null, null, Noise.EXACT,
                        Double.NaN, old.scenario() + "  " + old.configuration() + ": only in the base report"));
            }
        }
        return changes;
    }

    private static String outcome(Aggregate a) {
        return a.failed() == 0 ? "ok" : a.failed() == a.runs() ? "failed" : "failed " + a.failed() + "/" + a.runs();
    }

    private static void compare(List<Change> changes, Aggregate after, String metric, Stat old, Stat now, long oldRuns,
            long newRuns) {
        if (old.equals(now)) {
            return;
        }
        Noise noise;
        double p = Double.NaN;
        if (old.constantValue() && now.constantValue() && (oldRuns > 1 || newRuns > 1)) {
            noise = Noise.EXACT;
        } else if (oldRuns < 2 || newRuns < 2) {
            noise = old.constantValue() && now.constantValue() ? Noise.EXACT : Noise.UNKNOWN;
            if (oldRuns == 1 && newRuns == 1) {
                noise = Noise.UNKNOWN;
            }
        } else {
            p = welch(old, oldRuns, now, newRuns);
            noise = p < ALPHA ? Noise.BEYOND : Noise.WITHIN;
        }
        Change change = new Change(after.scenario(), after.configuration(), metric, old, now, noise, p, "");
        String text = after.scenario() + "  " + after.configuration() + "  " + metric + ": "
                + Numbers.decimal(old.median()) + " -> " + Numbers.decimal(now.median()) + " ("
                + percentText(change.percent()) + (oldRuns > 1 || newRuns > 1 ? ", medians" : "") + "), "
                + noise.phrase() + (Double.isNaN(p) ? "" : String.format(Locale.ROOT, " (Welch p=%.3g)", p));
        changes.add(new Change(change.scenario(), change.configuration(), metric, old, now, noise, p, text));
    }

    /** Welch's two-sided p-value for the means; identical constant samples give 1. */
    static double welch(Stat a, long n, Stat b, long m) {
        if (a.sd() == 0 && b.sd() == 0) {
            return a.mean() == b.mean() ? 1 : 0;
        }
        StatisticalSummaryValues first = new StatisticalSummaryValues(a.mean(), a.sd() * a.sd(), n, a.max(), a.min(),
                a.mean() * n);
        StatisticalSummaryValues second = new StatisticalSummaryValues(b.mean(), b.sd() * b.sd(), m, b.max(), b.min(),
                b.mean() * m);
        return new TTest().tTest(first, second);
    }

    /** {@code +12.5%}, {@code -3%}, {@code +inf%} from 0. */
    static String percentText(double percent) {
        if (Double.isInfinite(percent)) {
            return "new, was 0";
        }
        String number = String.format(Locale.ROOT, "%+.1f", percent).replace(".0", "");
        return number + "%";
    }
}
