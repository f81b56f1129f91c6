package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.examples.report.model.ComparisonReport;

/**
 * Opens the HTML report in a real browser: headless Chromium (Debian's {@code chromium} package,
 * {@code /usr/bin/chromium}), with no network and a fresh profile. A small check script, added to a
 * copy of the page for this test only, records after load: each chart's {@code <svg>} with its
 * rendered size and shape count, every resource the page fetched, and every load error. The test
 * reads that record back from {@code --dump-dom}. Skipped, saying why, when Chromium is absent.
 */
final class HtmlInChromiumIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final String CHECK_SCRIPT = """
            <script>
            window.__loadErrors = [];
            window.addEventListener('error', function (e) {
              var t = e.target;
              window.__loadErrors.push(t && t !== window ? (t.tagName + ' ' + (t.src || t.href || '')) : String(e.message));
            }, true);
            window.addEventListener('load', function () {
              var charts = [];
              document.querySelectorAll('svg').forEach(function (svg) {
                var box = svg.getBBox();
                var rect = svg.getBoundingClientRect();
                charts.push({id: svg.id, bboxWidth: box.width, bboxHeight: box.height, width: rect.width,
                             height: rect.height, shapes: svg.querySelectorAll('rect,path,line,polyline').length,
                             texts: svg.querySelectorAll('text').length});
              });
              var resources = performance.getEntriesByType('resource').map(function (r) { return r.name; });
              var errorBars = 0;
              document.querySelectorAll('svg line, svg path').forEach(function (e) {
                if (getComputedStyle(e).stroke === 'rgb(17, 17, 17)') { errorBars++; }
              });
              var failedLabels = 0;
              document.querySelectorAll('svg text').forEach(function (t) {
                if (t.textContent.indexOf('(FAILED)') >= 0) { failedLabels++; }
              });
              var matrix = document.querySelector('#verdict table.matrix');
              var rect = matrix ? matrix.getBoundingClientRect() : null;
              document.body.setAttribute('data-check',
                  JSON.stringify({charts: charts, resources: resources, errors: window.__loadErrors,
                                  errorBars: errorBars, failedLabels: failedLabels,
                                  matrixRows: matrix ? matrix.querySelectorAll('tr').length : 0,
                                  matrixVisible: rect ? rect.width > 0 && rect.height > 0 : false,
                                  cheapestCells: document.querySelectorAll('#verdict td.cheapest').length,
                                  failedCells: document.querySelectorAll('#verdict td.failed').length,
                                  pageWidth: document.documentElement.scrollWidth}));
            });
            </script>
            """;

    /** A hand-made report with every kind of chart, and the real default comparison of the lab. */
    static java.util.stream.Stream<String> reports() {
        return java.util.stream.Stream.of("realistic", "sparse", "lab");
    }

    private static ComparisonReport report(String which) {
        if (which.equals("realistic")) {
            return TestingReports.realistic();
        }
        if (which.equals("sparse")) {
            return TestingReports.sparse();
        }
        org.xencommlab.machine.wiring.RunInjectors injectors =
                new org.xencommlab.machine.wiring.RunInjectors(org.xencommlab.machine.wiring.PluginRegistry.discover());
        return new org.xencommlab.examples.lab.Comparison(java.util.List.of(), java.util.List.of(),
                org.xencommlab.examples.scenario.ScenarioCatalog.standard().all(), java.util.Map.of(), 1, 1, true)
                .run(injectors, org.xencommlab.examples.cost.CostModel.defaults(), "test", 2, done -> {});
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("reports")
    @Timeout(240)
    void everyChartRendersAndNothingFailsToLoad(String which, @TempDir Path dir) throws IOException, InterruptedException {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present) {
            System.out.println("HtmlInChromiumIT skipped: " + CHROMIUM
                    + " is missing; install Debian's chromium package (apt-get install -y chromium)");
        }
        assumeTrue(present, CHROMIUM + " is missing; install Debian's chromium package");

        ComparisonReport report = report(which);
        String html = HtmlRenderer.render(report);
        String checked = html.replaceFirst("<meta charset=\"utf-8\">\n",
                "<meta charset=\"utf-8\">\n" + Matcher.quoteReplacement(CHECK_SCRIPT));
        assertThat(checked).contains("window.__loadErrors");
        Path page = dir.resolve("report.html");
        Files.writeString(page, checked, StandardCharsets.UTF_8);
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Path stdout = dir.resolve("dom.html");
        Path stderr = dir.resolve("chromium.log");

        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--virtual-time-budget=5000", "--window-size=1400,1000", "--dump-dom", page.toUri().toString()));
        Process chromium = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish in 60 s; log:\n" + tail(stderr));
        }
        assertThat(chromium.exitValue()).as("chromium exit status; log:\n" + tail(stderr)).isZero();

        String dom = Files.readString(stdout, StandardCharsets.UTF_8);
        Matcher check = Pattern.compile("data-check=\"([^\"]*)\"").matcher(dom);
        assertThat(check.find()).as("the check script ran; log:\n" + tail(stderr)).isTrue();
        JsonNode result = new ObjectMapper().readTree(unescape(check.group(1)));

        assertThat(result.get("errors")).as("load errors").isEmpty();
        assertThat(result.get("resources")).as("resources fetched").isEmpty();
        List<String> rendered = new ArrayList<>();
        for (JsonNode chart : result.get("charts")) {
            String id = chart.get("id").asText();
            rendered.add(id);
            assertThat(chart.get("bboxWidth").asDouble()).as(id + " drawn width").isPositive();
            assertThat(chart.get("bboxHeight").asDouble()).as(id + " drawn height").isPositive();
            assertThat(chart.get("width").asDouble()).as(id + " laid-out width").isPositive();
            assertThat(chart.get("height").asDouble()).as(id + " laid-out height").isPositive();
            assertThat(chart.get("shapes").asInt()).as(id + " shapes").isGreaterThan(5);
            assertThat(chart.get("texts").asInt()).as(id + " texts (title, labels)").isGreaterThan(2);
        }
        assertThat(rendered).containsExactlyElementsOf(HtmlRenderer.chartIds(report));

        // The verdict matrix: a row per configuration under its header, the cheapest of every
        // scenario marked, every failed configuration x scenario marked in the matrix and in the charts.
        assertThat(result.get("matrixVisible").asBoolean()).as("verdict matrix laid out").isTrue();
        assertThat(result.get("matrixRows").asInt()).isEqualTo(report.configurations().size() + 1);
        long failedCells = report.aggregates().stream().filter(a -> a.failed() > 0).count();
        assertThat(result.get("failedCells").asLong()).isEqualTo(failedCells);
        assertThat(result.get("cheapestCells").asInt()).isEqualTo((int) report.scenarios().stream()
                .filter(s -> report.aggregatesOf(s.name()).stream().anyMatch(a -> a.failed() == 0)).count());
        if (failedCells > 0) {
            assertThat(result.get("failedLabels").asInt()).as("failed bars labelled").isPositive();
        }
        // Error bars are drawn in their own colour on every bar chart.
        assertThat(result.get("errorBars").asInt()).as("error bars").isPositive();
        // Wide tables scroll inside their box: the page itself fits 1,400 px.
        assertThat(result.get("pageWidth").asInt()).as("page width at 1,400 px").isLessThanOrEqualTo(1400);
    }

    private static String unescape(String attribute) {
        return attribute.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
