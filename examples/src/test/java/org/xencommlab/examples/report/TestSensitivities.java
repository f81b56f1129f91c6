package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.Sensitivity;

final class TestSensitivities {
    private static RunResult run(Configuration c, Metrics.Builder metrics) {
        return new RunResult(c.arch(), c.strategy(), c.variant(), "spanning", new TreeMap<>(), 1, Outcome.OK, null,
                new TreeMap<>(), metrics.build(CostModel.defaults()));
    }

    /** A: 10 entries (5,000 ns); B: 2 entries and 100 translation steps (1,000 + 2,000 ns). */
    private static ComparisonReport twoConfigurations() {
        Configuration a = TestingReports.X86_POINTER;
        Configuration b = TestingReports.PPC_POINTER;
        return ComparisonReport.of(1, "test", List.of(a, b),
                List.of(ScenarioInfo.of("spanning", "", Map.of())), CostModel.defaults(),
                List.of(run(a, Metrics.builder().set("hypervisorEntries", 10)),
                        run(b, Metrics.builder().set("hypervisorEntries", 2).set("translationSteps", 100))),
                List.of());
    }

    @Test
    void aCostThatFlipsTheCheapestIsNamed() {
        Sensitivity sensitivity = Sensitivities.of(twoConfigurations(), Sensitivities.DEFAULT_FACTORS).get(0);

        assertThat(sensitivity.ranking()).containsExactly("ppc/pointer", "x86/pointer");
        // B's steps at x4 cost 8,000 ns + 1,000 against A's 5,000: x86 becomes cheapest; so does
        // halving the entry cost (A 2,500 against B 2,500 + ... no: B 500 + 2,000 = 2,500, a tie
        // keeps report order, x86 first) and quartering it (1,250 against 2,250).
        assertThat(sensitivity.changes()).extracting(Sensitivity.Change::cost)
                .contains("translationStepNanos", "hypervisorEntryNanos");
        assertThat(sensitivity.changes()).allMatch(c -> c.cheapest().equals("x86/pointer"));
        assertThat(sensitivity.verdict()).startsWith("cheapest ppc/pointer at the model's costs, but ")
                .contains("translationStepNanos x4 makes x86/pointer cheapest");
    }

    @Test
    void aRobustRankingSaysSo() {
        Sensitivity sensitivity = Sensitivities.of(twoConfigurations(), List.of(0.9, 1.1)).get(0);
        assertThat(sensitivity.changes()).isEmpty();
        assertThat(sensitivity.verdict()).isEqualTo("the ranking holds under every cost x0.9..x1.1; cheapest ppc/pointer.");
    }

    @Test
    void aFactorMustBePositive() {
        assertThatThrownBy(() -> Sensitivities.of(twoConfigurations(), List.of(0.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
