package org.xencommlab.examples.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.Stat;

/**
 * Computes the report's statements from its aggregates: the headlines (per scenario, how much the
 * dearest completed configuration costs against the cheapest, and the cost event that makes most of
 * the difference, largest ratio first) and a {@link ProblemSummary} for every {@link MailProblem}.
 * Every sentence is a template filled with measured numbers and configuration names.
 *
 * <p>Per scenario a problem reads, the findings are: which runs failed, if any; for each measure that
 * is not 0 everywhere, the configurations' values, largest first (a measure that is the same
 * everywhere is one short sentence); what a variant changed against its plain configuration; and
 * the errors callers saw, if any. Statements that say nothing (a measure 0 in every configuration,
 * "all completed", "no errors") are left out. With several seeds a value is the median, and a range
 * {@code min..max} follows when it varied. Findings come largest effect first.
 */
public final class ProblemSummaries {
    /** Below this ratio of dearest to cheapest a scenario makes no headline. */
    static final double HEADLINE_RATIO = 1.05;

    private ProblemSummaries() {}

    /** One summary per {@link MailProblem}, in declaration order. */
    public static List<ProblemSummary> of(ComparisonReport report) {
        List<ProblemSummary> summaries = new ArrayList<>();
        for (MailProblem problem : MailProblem.values()) {
            summaries.add(summarize(report, problem));
        }
        return summaries;
    }

    /**
     * Per scenario with at least two completed configurations whose median modelled times differ
     * by 5% or more: "X costs ~Nx Y (a µs vs b µs), most of the difference in E (c µs)". Largest
     * ratio first.
     */
    public static List<String> headlines(ComparisonReport report) {
        record Headline(double ratio, String text) {}
        List<Headline> headlines = new ArrayList<>();
        for (ScenarioInfo scenario : report.scenarios()) {
            List<Aggregate> ok = report.aggregatesOf(scenario.name()).stream()
                    .filter(a -> a.outcome() == Outcome.OK).toList();
            if (ok.size() < 2) {
                continue;
            }
            Aggregate cheapest = ok.stream().min(Comparator.comparingDouble(a -> a.median("modelledNanos"))).orElseThrow();
            Aggregate dearest = ok.stream().max(Comparator.comparingDouble(a -> a.median("modelledNanos"))).orElseThrow();
            double low = cheapest.median("modelledNanos");
            double high = dearest.median("modelledNanos");
            double ratio = high / Math.max(low, 1);
            if (ratio < HEADLINE_RATIO) {
                continue;
            }
            CostModel model = report.costModel();
            Map<CostDefinition, Double> dear = model.nanosByEventOf(name -> dearest.metric(name).mean());
            Map<CostDefinition, Double> cheap = model.nanosByEventOf(name -> cheapest.metric(name).mean());
            CostDefinition decisive = null;
            double most = 0;
            for (CostDefinition event : model.catalog().costs()) {
                double difference = dear.get(event) - cheap.get(event);
                if (difference > most) {
                    most = difference;
                    decisive = event;
                }
            }
            String text = scenario.name() + ": " + dearest.configuration() + " costs ~" + ratioText(ratio) + " "
                    + cheapest.configuration() + " (" + Numbers.micros(Math.round(high)) + " µs vs "
                    + Numbers.micros(Math.round(low)) + " µs"
                    + (dearest.runs() > 1 || cheapest.runs() > 1 ? ", medians" : "") + ")";
            if (decisive != null) {
                text += ", most of the difference in " + decisive.key() + " (" + Numbers.micros(Math.round(most))
                        + " µs of " + Numbers.micros(Math.round(high - low)) + ")";
            }
            headlines.add(new Headline(ratio, text + "."));
        }
        headlines.sort(Comparator.comparingDouble(Headline::ratio).reversed());
        return headlines.stream().map(Headline::text).toList();
    }

    private static String ratioText(double ratio) {
        return ratio >= 10 ? Math.round(ratio) + "x" : String.format(java.util.Locale.ROOT, "%.1fx", ratio);
    }

    /** The summary of {@code problem}. */
    public static ProblemSummary summarize(ComparisonReport report, MailProblem problem) {
        List<String> findings = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String scenario : problem.scenarios()) {
            List<Aggregate> aggregates = report.aggregatesOf(scenario);
            if (aggregates.isEmpty()) {
                missing.add("No results for scenario '" + scenario + "' in this report, so its part of this"
                        + " question cannot be judged from it; run it with --scenario " + scenario + ".");
                continue;
            }
            Map<Configuration, Aggregate> byConfiguration = new LinkedHashMap<>();
            aggregates.forEach(a -> byConfiguration.put(a.configurationKey(), a));
            outcomeSentence(scenario, aggregates).ifPresent(findings::add);
            List<MailProblem.Measure> measures = problem.measures().stream()
                    .filter(m -> m.scenario().equals(scenario)).toList();
            record Finding(double spread, String text) {}
            List<Finding> measured = new ArrayList<>();
            for (MailProblem.Measure measure : measures) {
                double max = aggregates.stream().mapToDouble(a -> a.median(measure.metric())).max().orElse(0);
                double min = aggregates.stream().mapToDouble(a -> a.median(measure.metric())).min().orElse(0);
                measureSentence(scenario, measure, aggregates)
                        .ifPresent(text -> measured.add(new Finding((max + 1) / (min + 1), text)));
            }
            measured.sort(Comparator.comparingDouble(Finding::spread).reversed());
            measured.forEach(f -> findings.add(f.text()));
            findings.addAll(variantSentences(scenario, measures, byConfiguration));
            errorSentence(scenario, aggregates).ifPresent(findings::add);
        }
        return new ProblemSummary(problem, findings, missing);
    }

    private static Optional<String> outcomeSentence(String scenario, List<Aggregate> aggregates) {
        List<Aggregate> failed = aggregates.stream().filter(a -> a.failed() > 0).toList();
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        boolean repeated = aggregates.stream().anyMatch(a -> a.runs() > 1);
        String which = failed.stream()
                .map(a -> a.configuration() + (repeated ? " (" + a.failed() + " of " + a.runs() + " runs; " : " (")
                        + a.failure().replaceFirst("^seed \\d+: ", repeated ? "first " + "$0" : "") + ")")
                .collect(Collectors.joining("; "));
        int n = aggregates.size();
        String prefix = failed.size() == n ? "every one of the " + n + plural(n, " configuration", " configurations")
                + " failed: " : failed.size() + " of " + n + plural(n, " configuration", " configurations") + " failed: ";
        return Optional.of(scenario + ": " + prefix + which + ".");
    }

    /**
     * "scenario, phrase: 27 in A, B; 18 in C; 17 in the other 13.": configurations grouped by value,
     * largest value first; the largest group, when it has three or more, is "the other N".
     */
    private static Optional<String> measureSentence(String scenario, MailProblem.Measure measure,
            List<Aggregate> aggregates) {
        if (aggregates.stream().allMatch(a -> a.metric(measure.metric()).max() == 0)) {
            return Optional.empty();
        }
        String head = scenario + ", " + measure.phrase() + ": ";
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, Double> order = new LinkedHashMap<>();
        for (Aggregate aggregate : aggregates) {
            Stat stat = aggregate.metric(measure.metric());
            String value = value(stat);
            groups.computeIfAbsent(value, v -> new ArrayList<>()).add(aggregate.configuration());
            order.putIfAbsent(value, stat.median());
        }
        if (groups.size() == 1) {
            return Optional.of(head + groups.keySet().iterator().next() + " in every configuration.");
        }
        String largest = groups.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                .map(Map.Entry::getKey).orElseThrow();
        boolean others = groups.get(largest).size() >= 3;
        List<String> values = new ArrayList<>(groups.keySet());
        values.sort(Comparator.comparingDouble((String v) -> order.get(v)).reversed());
        List<String> parts = new ArrayList<>();
        for (String value : values) {
            List<String> names = groups.get(value);
            parts.add(value + " in " + (others && value.equals(largest)
                    ? "the other " + names.size() : String.join(", ", names)));
        }
        return Optional.of(head + String.join("; ", parts) + ".");
    }

    private static List<String> variantSentences(String scenario, List<MailProblem.Measure> measures,
            Map<Configuration, Aggregate> byConfiguration) {
        List<String> sentences = new ArrayList<>();
        for (Map.Entry<Configuration, Aggregate> entry : byConfiguration.entrySet()) {
            Configuration configuration = entry.getKey();
            if (configuration.variant().isEmpty()) {
                continue;
            }
            Configuration plain = Configuration.of(configuration.arch(), configuration.strategy());
            Aggregate base = byConfiguration.get(plain);
            if (base == null) {
                continue;
            }
            List<String> changes = new ArrayList<>();
            for (MailProblem.Measure measure : measures) {
                String with = value(entry.getValue().metric(measure.metric()));
                String without = value(base.metric(measure.metric()));
                if (!with.equals(without)) {
                    changes.add(measure.phrase() + " " + with + " (" + without + " without it)");
                }
            }
            if (!changes.isEmpty()) {
                sentences.add(scenario + ", " + plain.id() + " with " + configuration.variantText() + ": "
                        + String.join(", ", changes) + ".");
            }
        }
        return sentences;
    }

    private static Optional<String> errorSentence(String scenario, List<Aggregate> aggregates) {
        List<String> with = new ArrayList<>();
        for (Aggregate aggregate : aggregates) {
            if (!aggregate.errors().isEmpty()) {
                with.add(aggregate.configuration() + " " + aggregate.errors().entrySet().stream()
                        .map(e -> "-" + e.getKey() + " x" + value(e.getValue()))
                        .collect(Collectors.joining(", ")));
            }
        }
        if (with.isEmpty()) {
            return Optional.empty();
        }
        String sentence = scenario + ", errors callers saw" + (aggregates.stream().anyMatch(a -> a.runs() > 1)
                ? " (per run)" : "") + ": " + String.join("; ", with);
        if (with.size() < aggregates.size()) {
            int others = aggregates.size() - with.size();
            sentence += "; none in the other " + others + plural(others, " configuration", " configurations");
        }
        return Optional.of(sentence + ".");
    }

    /** A statistic in a sentence: the value, or the median with the range when it varied. */
    static String value(Stat stat) {
        if (stat.constantValue()) {
            return Numbers.group(stat.min());
        }
        return Numbers.decimal(stat.median()) + " (" + Numbers.group(stat.min()) + ".." + Numbers.group(stat.max()) + ")";
    }

    private static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }

    static Optional<MailProblem> problemOf(String scenario) {
        for (MailProblem problem : MailProblem.values()) {
            if (problem.scenarios().contains(scenario)) {
                return Optional.of(problem);
            }
        }
        return Optional.empty();
    }
}
