package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.RunResult;

final class TestProblemSummaries {
    @Test
    void oneSummaryPerProblemInOrder() {
        assertThat(ProblemSummaries.of(TestingReports.realistic())).extracting(ProblemSummary::problem)
                .containsExactly(MailProblem.values());
        assertThat(ProblemSummaries.of(TestingReports.realistic())).allSatisfy(s -> assertThat(s.complete()).isTrue());
    }

    @Test
    void processDeathSaysWhatEachConfigurationLeftBehind() {
        ProblemSummary summary = ProblemSummaries.summarize(TestingReports.realistic(), MailProblem.PROCESS_DEATH);

        assertThat(summary.findings()).contains(
                "process-death, registrations left behind: 3 in ppc/pointer cleanup=off; 0 in the other 7.",
                "process-death, ppc/pointer with cleanup=off: registrations left behind 3 (0 without it),"
                        + " Xen heap bytes left behind 544 (0 without it).");
        // Statements that say nothing are left out.
        assertThat(summary.findings()).noneMatch(f -> f.contains("0 in every configuration")
                || f.contains("completed.") || f.contains("no errors"));
    }

    @Test
    void headlinesPutTheLargestRatioFirstAndNameTheDecisiveCost() {
        List<String> headlines = ProblemSummaries.headlines(TestingReports.realistic());

        assertThat(headlines).isNotEmpty();
        assertThat(headlines).allMatch(h -> h.matches("[a-z0-9-]+: .+ costs ~[0-9.]+x .+ \\([0-9,.]+ µs vs [0-9,.]+ µs\\)"
                + ", most of the difference in [A-Za-z]+ \\([0-9,.]+ µs of [0-9,.]+\\)\\."));
        List<Double> ratios = headlines.stream()
                .map(h -> Double.parseDouble(h.replaceFirst(".* costs ~([0-9.]+)x .*", "$1"))).toList();
        assertThat(ratios).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void sentencesFollowTheNumbers() {
        ComparisonReport report = TestingReports.realistic();
        List<RunResult> changed = new ArrayList<>();
        for (RunResult r : report.results()) {
            if (r.scenario().equals("process-death") && r.configurationKey().equals(TestingReports.PPC_NO_CLEANUP)) {
                Metrics.Builder m = Metrics.builder();
                r.metrics().asMap().forEach(m::set);
                m.set("registrationsLeaked", 0).set("xenHeapBytesLeaked", 0);
                r = new RunResult(r.arch(), r.strategy(), r.variant(), r.scenario(), r.scenarioParameters(), r.seed(),
                        r.outcome(), r.failure(), r.errors(), m.build(CostModel.defaults()));
            }
            changed.add(r);
        }
        ComparisonReport fixed = ComparisonReport.of(report.seed(), report.toolVersion(), report.configurations(),
                report.scenarios(), report.costModel(), changed, report.sweeps());

        ProblemSummary summary = ProblemSummaries.summarize(fixed, MailProblem.PROCESS_DEATH);

        assertThat(summary.findings()).noneMatch(f -> f.contains("registrations left behind"));
        assertThat(summary.findings()).noneMatch(f -> f.contains("with cleanup=off"));
    }

    @Test
    void failuresAndErrorsAreNamed() {
        ProblemSummary summary = ProblemSummaries.summarize(TestingReports.realistic(), MailProblem.CONCURRENCY);
        assertThat(summary.findings()).contains(
                "interleaved: 1 of 8 configurations failed: x86/pointer align=off (munlock of a shared page unlocked"
                        + " a live buffer: hypercall 7 gave -EFAULT).",
                "interleaved, errors callers saw: x86/pointer align=off -EFAULT x1; none in the other 7 configurations.");
    }

    @Test
    void missingScenariosSaySoAndSeveralSeedsShowRanges() {
        ProblemSummary concurrency = ProblemSummaries.summarize(TestingReports.sparse(), MailProblem.CONCURRENCY);
        assertThat(concurrency.complete()).isFalse();
        assertThat(concurrency.missing()).containsExactly("No results for scenario 'heap-exhaustion' in this report,"
                + " so its part of this question cannot be judged from it; run it with --scenario heap-exhaustion.");
        assertThat(concurrency.findings()).noneMatch(f -> f.contains("completed"));
        assertThat(concurrency.findings()).anyMatch(f -> f.matches(
                "interleaved, hypercalls: [0-9,.]+ \\([0-9,]+\\.\\.[0-9,]+\\) in (x86|ppc)/pointer; .*"));

        ProblemSummary spanning = ProblemSummaries.summarize(TestingReports.sparse(), MailProblem.SPANNING);
        assertThat(spanning.findings()).isEmpty();
        assertThat(spanning.missing()).hasSize(1);
    }
}
