package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.RunResult;

final class TestReportDeterminism {
    @Test
    void sameReportRendersToIdenticalBytesInEveryFormat() {
        for (ReportFormat format : ReportFormat.values()) {
            String first = format.render(TestingReports.realistic());
            String second = format.render(TestingReports.realistic());
            assertThat(second).as(format.cliName()).isEqualTo(first);
        }
    }

    @Test
    void resultsInAnyOrderMakeTheSameReport() {
        ComparisonReport report = TestingReports.realistic();
        List<RunResult> shuffled = new ArrayList<>(report.results());
        Collections.shuffle(shuffled, new Random(1));

        ComparisonReport again = ComparisonReport.of(report.seed(), report.toolVersion(), report.configurations(),
                report.scenarios(), report.costModel(), shuffled, report.sweeps());

        assertThat(again.results()).isEqualTo(report.results());
        assertThat(ReportJson.write(again)).isEqualTo(ReportJson.write(report));
        assertThat(HtmlRenderer.render(again)).isEqualTo(HtmlRenderer.render(report));
    }

    @Test
    void resultsAreOrderedByScenarioThenConfigurationThenSeed() {
        ComparisonReport report = TestingReports.sparse();
        assertThat(report.results()).extracting(r -> r.configuration() + "#" + r.seed())
                .containsExactly("x86/pointer#7", "x86/pointer#8", "ppc/pointer#7", "ppc/pointer#8");
    }

    @Test
    void formatsAreNamedForTheCli() {
        assertThat(ReportFormat.fromCliName("html")).isEqualTo(ReportFormat.HTML);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportFormat.fromCliName("xml"))
                .hasMessage("unknown format 'xml'; valid: table, json, csv, html");
    }
}
