package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.ScenarioInfo;

final class TestHtmlRenderer {
    private static final List<String> SVG_NAMESPACES = List.of("http://www.w3.org/2000/svg",
            "http://www.w3.org/1999/xlink", "http://www.jfree.org/jfreesvg/svg");

    @Test
    void pageIsSelfContained() {
        String html = HtmlRenderer.render(TestingReports.realistic());

        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe")
                .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase(" src=");
        Matcher url = Pattern.compile("url\\((?!#)").matcher(html);
        assertThat(url.find()).as("a url() that is not a local reference").isFalse();
        Matcher remote = Pattern.compile("(https?:)?//[a-zA-Z0-9.-]+[^'\"\\s<]*").matcher(html);
        while (remote.find()) {
            assertThat(SVG_NAMESPACES).as("remote reference").contains(remote.group());
        }
    }

    @Test
    void everyPlannedChartIsInThePage() {
        ComparisonReport report = TestingReports.realistic();
        String html = HtmlRenderer.render(report);
        List<String> ids = HtmlRenderer.chartIds(report);

        assertThat(ids).contains("chart-balloon-hypercalls", "chart-balloon-modelled", "chart-balloon-events",
                "chart-process-death-registrations", "chart-interleaved-pages", "chart-interleaved-registrations",
                "chart-heap-exhaustion-heap", "chart-sweep-balloon-pages-hypercalls", "chart-sweep-balloon-pages-modelled");
        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).startsWith(HtmlRenderer.CHART_ID_PREFIX));
        Matcher svg = Pattern.compile("<svg id='([^']+)'").matcher(html);
        List<String> found = svg.results().map(m -> m.group(1)).toList();
        assertThat(found).containsExactlyElementsOf(ids);
        // No copy fault in balloon: its chart is replaced by a sentence saying so.
        assertThat(ids).doesNotContain("chart-balloon-faults");
        assertThat(html).contains("No chart of hypervisorFaults, retries: 0 in every run.");
    }

    @Test
    void summariesAndMissingDataAreShown() {
        String full = HtmlRenderer.render(TestingReports.realistic());
        assertThat(full).contains("process-death, ppc/pointer with cleanup=off: registrations left behind 3 (0 without it),"
                + " Xen heap bytes left behind 544 (0 without it).");
        assertThat(full).doesNotContain("cannot be judged");

        String sparse = HtmlRenderer.render(TestingReports.sparse());
        assertThat(sparse).contains("No results for scenario &#39;process-death&#39; in this report");
        assertThat(sparse).contains("This report holds no size sweep");
        assertThat(sparse).contains("2 seeds").contains("median ");
    }

    @Test
    void theVerdictOpensThePageAndMarksFailuresAndTheCheapest() {
        ComparisonReport report = TestingReports.realistic();
        String html = HtmlRenderer.render(report);

        int verdict = html.indexOf("<section id=\"verdict\">");
        assertThat(verdict).isPositive().isLessThan(html.indexOf("<section id=\"problems\">"));
        String matrix = html.substring(verdict, html.indexOf("</section>", verdict));
        assertThat(Pattern.compile("<tr><th>").matcher(matrix).results().count())
                .isEqualTo(report.configurations().size() + 1);
        assertThat(Pattern.compile("class=\"ok cheapest\"").matcher(matrix).results().count())
                .isEqualTo(report.scenarios().size());
        assertThat(Pattern.compile("class=\"failed\"").matcher(matrix).results().count())
                .isEqualTo(report.failedCount());
        // The failed configuration's bars are labelled so in the charts.
        assertThat(html).contains("x86/pointer align=off (FAILED)");
    }

    @Test
    void textIsEscaped() {
        ComparisonReport report = TestingReports.sparse();
        ScenarioInfo scenario = report.scenarios().get(0);
        ScenarioInfo hostile = ScenarioInfo.of(scenario.name(), "<b>bold</b> & \"quoted\"", Map.of());
        ComparisonReport changed = ComparisonReport.of(report.seed(), report.toolVersion(), report.configurations(),
                List.of(hostile), CostModel.defaults(), report.results(), report.sweeps());

        String html = HtmlRenderer.render(changed);

        assertThat(html).contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;").doesNotContain("<b>bold");
    }
}
