package org.xencommlab.examples.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;

/**
 * Computes a {@link ProblemSummary} for every {@link MailProblem} from a report's results. Every
 * sentence is a template filled with measured numbers and configuration names; none states a
 * conclusion the data does not carry, and a scenario without results says so.
 *
 * <p>Per scenario a problem reads, the findings are: the outcome of its runs; for each measure,
 * which configurations counted how much (0 listed last); for each configuration with a variant
 * whose plain configuration also ran, what the variant changed; and the errors callers saw. With
 * several seeds, a configuration's value is shown as {@code min..max} over its seeds.
 */
public final class ProblemSummaries {
    private ProblemSummaries() {}

    /** One summary per {@link MailProblem}, in declaration order. */
    public static List<ProblemSummary> of(ComparisonReport report) {
        List<ProblemSummary> summaries = new ArrayList<>();
        for (MailProblem problem : MailProblem.values()) {
            summaries.add(summarize(report, problem));
        }
        return summaries;
    }

    /** The summary of {@code problem}. */
    public static ProblemSummary summarize(ComparisonReport report, MailProblem problem) {
        List<String> findings = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String scenario : problem.scenarios()) {
            List<RunResult> results = report.resultsOf(scenario);
            if (results.isEmpty()) {
                missing.add("No results for scenario '" + scenario + "' in this report, so its part of this"
                        + " question cannot be judged from it; run it with --scenario " + scenario + ".");
                continue;
            }
            Map<Configuration, List<RunResult>> byConfiguration = byConfiguration(results);
            findings.add(outcomeSentence(scenario, results, byConfiguration.size()));
            List<MailProblem.Measure> measures = problem.measures().stream()
                    .filter(m -> m.scenario().equals(scenario)).toList();
            for (MailProblem.Measure measure : measures) {
                findings.add(measureSentence(scenario, measure, byConfiguration));
            }
            findings.addAll(variantSentences(scenario, measures, byConfiguration));
            findings.add(errorSentence(scenario, byConfiguration));
        }
        return new ProblemSummary(problem, findings, missing);
    }

    private static Map<Configuration, List<RunResult>> byConfiguration(List<RunResult> results) {
        Map<Configuration, List<RunResult>> grouped = new LinkedHashMap<>();
        for (RunResult result : results) {
            grouped.computeIfAbsent(result.configurationKey(), c -> new ArrayList<>()).add(result);
        }
        return grouped;
    }

    private static String outcomeSentence(String scenario, List<RunResult> results, int configurations) {
        List<RunResult> failed = results.stream().filter(r -> r.outcome() == Outcome.FAILED).toList();
        String runs = results.size() == configurations
                ? configurations + plural(configurations, " configuration", " configurations")
                : results.size() + " runs of " + configurations
                        + plural(configurations, " configuration", " configurations");
        if (failed.isEmpty()) {
            return scenario + ": all " + runs + " completed.";
        }
        String which = failed.stream()
                .map(r -> r.configuration() + (results.size() == configurations ? "" : " seed " + r.seed())
                        + " (" + r.failure() + ")")
                .collect(Collectors.joining("; "));
        String prefix = failed.size() == results.size() ? "every one of the " + runs + " failed: "
                : failed.size() + " of " + runs + " failed: ";
        return scenario + ": " + prefix + which + ".";
    }

    private static String measureSentence(String scenario, MailProblem.Measure measure,
            Map<Configuration, List<RunResult>> byConfiguration) {
        List<String> nonZero = new ArrayList<>();
        List<String> zero = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (Map.Entry<Configuration, List<RunResult>> entry : byConfiguration.entrySet()) {
            Range range = Range.of(entry.getValue(), measure.metric());
            if (range.max() == 0) {
                zero.add(entry.getKey().id());
            } else {
                nonZero.add(entry.getKey().id() + " " + range);
                shown.add(range.toString());
            }
        }
        String head = scenario + ", " + measure.phrase() + ": ";
        if (nonZero.isEmpty()) {
            return head + "0 in every configuration.";
        }
        if (zero.isEmpty() && shown.stream().distinct().count() == 1) {
            return head + shown.get(0) + " in every configuration.";
        }
        String sentence = head + String.join(", ", nonZero);
        if (!zero.isEmpty()) {
            sentence += "; 0 in " + String.join(", ", zero);
        }
        return sentence + ".";
    }

    private static List<String> variantSentences(String scenario, List<MailProblem.Measure> measures,
            Map<Configuration, List<RunResult>> byConfiguration) {
        List<String> sentences = new ArrayList<>();
        for (Map.Entry<Configuration, List<RunResult>> entry : byConfiguration.entrySet()) {
            Configuration configuration = entry.getKey();
            if (configuration.variant().isEmpty()) {
                continue;
            }
            Configuration plain = Configuration.of(configuration.arch(), configuration.strategy());
            List<RunResult> base = byConfiguration.get(plain);
            if (base == null) {
                continue;
            }
            List<String> changes = new ArrayList<>();
            for (MailProblem.Measure measure : measures) {
                Range with = Range.of(entry.getValue(), measure.metric());
                Range without = Range.of(base, measure.metric());
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

    private static String errorSentence(String scenario, Map<Configuration, List<RunResult>> byConfiguration) {
        List<String> with = new ArrayList<>();
        for (Map.Entry<Configuration, List<RunResult>> entry : byConfiguration.entrySet()) {
            Map<String, Long> total = new TreeMap<>();
            entry.getValue().forEach(r -> r.errors().forEach((errno, n) -> total.merge(errno, n, Long::sum)));
            if (!total.isEmpty()) {
                with.add(entry.getKey().id() + " " + total.entrySet().stream()
                        .map(e -> "-" + e.getKey() + " x" + Numbers.group(e.getValue()))
                        .collect(Collectors.joining(", ")));
            }
        }
        if (with.isEmpty()) {
            return scenario + ": no errors in any configuration.";
        }
        String sentence = scenario + ", errors callers saw: " + String.join("; ", with);
        if (with.size() < byConfiguration.size()) {
            sentence += "; none in the other " + (byConfiguration.size() - with.size())
                    + plural(byConfiguration.size() - with.size(), " configuration", " configurations");
        }
        return sentence + ".";
    }

    private static String plural(long n, String one, String many) {
        return n == 1 ? one : many;
    }

    /** A configuration's value over its seeds. */
    private record Range(long min, long max) {
        static Range of(List<RunResult> results, String metric) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (RunResult result : results) {
                long value = result.metrics().getOrZero(metric);
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            return new Range(min, max);
        }

        @Override
        public String toString() {
            return min == max ? Numbers.group(min) : Numbers.group(min) + ".." + Numbers.group(max);
        }
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
