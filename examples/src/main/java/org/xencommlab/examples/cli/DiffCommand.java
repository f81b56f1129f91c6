package org.xencommlab.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.xencommlab.examples.report.ReportDiff;
import org.xencommlab.examples.report.ReportJson;
import org.xencommlab.examples.report.model.ComparisonReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xencomm-lab diff BASE.json NEW.json}: what changed between two JSON reports, per
 * configuration x scenario x metric, and whether it is beyond the noise of the seeds. With
 * {@code --fail-on METRIC>PCT} it exits with {@link #EXIT_REGRESSION} when that metric's median grew
 * by more than PCT percent somewhere (and the change is not within the noise), for a CI.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two JSON reports of 'compare --format json': per configuration x scenario x metric,"
                + " the median before and after, the change, and whether it is beyond the noise of the seeds"
                + " (Welch's t-test at 5%% when both sides ran several seeds).",
                "Exit code 3 when a --fail-on threshold is passed."})
final class DiffCommand implements Callable<Integer> {
    /** Exit code when a {@code --fail-on} threshold is passed. */
    static final int EXIT_REGRESSION = 3;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASE.json", description = "The report to compare against.")
    private Path base;

    @Parameters(index = "1", paramLabel = "NEW.json", description = "The report to compare.")
    private Path changed;

    @Option(names = "--metric", paramLabel = "METRIC", split = ",",
            description = "Show only these metrics (repeatable; default: every metric that changed).")
    private List<String> metrics = new ArrayList<>();

    @Option(names = "--fail-on", paramLabel = "METRIC>PCT",
            description = "Exit with 3 when METRIC's median grew by more than PCT percent in any configuration x"
                    + " scenario, unless the change is within the noise (repeatable), e.g. --fail-on 'modelledNanos>5%%'.")
    private List<String> failOn = new ArrayList<>();

    record Threshold(String metric, double percent) {}

    @Override
    public Integer call() {
        List<Threshold> thresholds = failOn.stream().map(DiffCommand::threshold).toList();
        ComparisonReport before = read(base);
        ComparisonReport after = read(changed);
        List<ReportDiff.Change> changes = ReportDiff.of(before, after);
        PrintWriter out = spec.commandLine().getOut();
        int shown = 0;
        for (ReportDiff.Change change : changes) {
            if (metrics.isEmpty() || metrics.contains(change.metric())) {
                out.println(change.text());
                shown++;
            }
        }
        if (shown == 0) {
            out.println(metrics.isEmpty() ? "no differences" : "no differences in " + String.join(", ", metrics));
        }
        int regressions = 0;
        for (Threshold threshold : thresholds) {
            for (ReportDiff.Change change : changes) {
                if (change.metric().equals(threshold.metric()) && change.percent() > threshold.percent()
                        && change.noise() != ReportDiff.Noise.WITHIN) {
                    out.println("REGRESSION: " + change.text() + " exceeds --fail-on " + threshold.metric() + ">"
                            + format(threshold.percent()) + "%");
                    regressions++;
                }
            }
        }
        out.flush();
        return regressions == 0 ? 0 : EXIT_REGRESSION;
    }

    static Threshold threshold(String text) {
        int at = text.indexOf('>');
        if (at <= 0 || at == text.length() - 1) {
            throw new UsageException("--fail-on wants METRIC>PCT, for example modelledNanos>5%, not '" + text + "'");
        }
        String metric = text.substring(0, at).strip();
        String number = text.substring(at + 1).strip();
        if (number.endsWith("%")) {
            number = number.substring(0, number.length() - 1);
        }
        try {
            double percent = Double.parseDouble(number);
            if (!(percent >= 0) || Double.isInfinite(percent)) {
                throw new NumberFormatException();
            }
            return new Threshold(metric, percent);
        } catch (NumberFormatException e) {
            throw new UsageException("--fail-on " + metric + ": '" + text.substring(at + 1)
                    + "' is not a percentage of 0 or more");
        }
    }

    private static String format(double percent) {
        return String.format(Locale.ROOT, "%s", percent).replaceAll("\\.0$", "");
    }

    private static ComparisonReport read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            return ReportJson.read(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
    }
}
