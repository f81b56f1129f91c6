package org.xencommlab.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.ReportJson;
import org.xencommlab.examples.report.TestingReports;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.machine.wiring.PluginRegistry;

/** {@code xencomm-lab diff}: what changed, whether beyond the noise, and the CI's exit code. */
final class TestDiffCommand {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover();

    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XencommLabCommand.commandLine(REGISTRY, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code report} with {@code metric} of every run of every configuration changed by {@code change}. */
    private static ComparisonReport changed(ComparisonReport report, String metric, LongUnaryOperator change) {
        List<RunResult> results = new ArrayList<>();
        for (RunResult r : report.results()) {
            Metrics.Builder m = Metrics.builder();
            r.metrics().asMap().forEach(m::set);
            m.set(metric, change.applyAsLong(r.metrics().get(metric)));
            results.add(new RunResult(r.arch(), r.strategy(), r.variant(), r.scenario(), r.scenarioParameters(),
                    r.seed(), r.outcome(), r.failure(), r.errors(), m.build(CostModel.defaults())));
        }
        return ComparisonReport.of(report.seed(), report.toolVersion(), report.configurations(), report.scenarios(),
                report.costModel(), results, report.sweeps());
    }

    private static Path write(Path dir, String name, ComparisonReport report) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, ReportJson.write(report), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void theSameReportHasNoDifferences(@TempDir Path dir) throws IOException {
        Path base = write(dir, "base.json", TestingReports.realistic());

        Result result = run("diff", base.toString(), base.toString(), "--fail-on", "modelledNanos>0%");

        assertThat(result.code()).isZero();
        assertThat(result.out()).isEqualTo("no differences\n");
    }

    @Test
    void aLargeChangeOverSeveralSeedsIsBeyondTheNoiseAndFailsTheThreshold(@TempDir Path dir) throws IOException {
        ComparisonReport sparse = TestingReports.sparse();
        Path base = write(dir, "base.json", sparse);
        Path worse = write(dir, "new.json", changed(sparse, "hypercalls", n -> n + 10_000));

        Result result = run("diff", base.toString(), worse.toString(), "--metric", "hypercalls",
                "--fail-on", "hypercalls>50%");

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.out()).contains("interleaved  x86/pointer  hypercalls: ", "beyond the noise (Welch p=",
                "REGRESSION: ");
        assertThat(result.out().lines().filter(l -> !l.startsWith("REGRESSION")))
                .allMatch(l -> l.contains("hypercalls"));
    }

    @Test
    void aSmallChangeWithinTheSeedsSpreadIsNoise(@TempDir Path dir) throws IOException {
        ComparisonReport sparse = TestingReports.sparse();
        Path base = write(dir, "base.json", sparse);
        Path slightly = write(dir, "new.json", changed(sparse, "bytesToHypervisor", n -> n + 1));

        Result result = run("diff", base.toString(), slightly.toString(), "--metric", "bytesToHypervisor",
                "--fail-on", "bytesToHypervisor>0%");

        assertThat(result.out()).contains("within the noise");
        assertThat(result.code()).isZero();
    }

    @Test
    void oneRunEachIsExactOrHasNoNoiseEstimate(@TempDir Path dir) throws IOException {
        ComparisonReport realistic = TestingReports.realistic();
        Path base = write(dir, "base.json", realistic);
        Path better = write(dir, "new.json", changed(realistic, "retries", n -> n / 2));

        Result result = run("diff", base.toString(), better.toString(), "--fail-on", "retries>1%");

        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out()).contains("retries: ", "no noise estimate (one run)").doesNotContain("REGRESSION");
    }

    @Test
    void badInputIsOneLineAndExitCode2(@TempDir Path dir) throws IOException {
        Path base = write(dir, "base.json", TestingReports.sparse());
        Path old = dir.resolve("old.json");
        Files.writeString(old, ReportJson.write(TestingReports.sparse()).replace("\"schemaVersion\" : 2",
                "\"schemaVersion\" : 1"));

        assertOneLine(run("diff", base.toString(), dir.resolve("missing.json").toString()), "no such file");
        assertOneLine(run("diff", base.toString(), old.toString()), "schema version 1 is not supported; valid: 2");
        assertOneLine(run("diff", base.toString(), base.toString(), "--fail-on", "modelledNanos"),
                "--fail-on wants METRIC>PCT");
        assertOneLine(run("diff", base.toString(), base.toString(), "--fail-on", "modelledNanos>lots"),
                "is not a percentage");
    }

    private static void assertOneLine(Result result, String expected) {
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
