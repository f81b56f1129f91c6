package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.Comparison;
import org.xencommlab.examples.lab.Shard;
import org.xencommlab.examples.lab.ShardFile;
import org.xencommlab.examples.lab.ShardResults;
import org.xencommlab.examples.report.ReportFormat;
import org.xencommlab.examples.report.Sensitivities;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xencomm-lab compare}: every configuration on every scenario, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Run scenarios on every configuration (each arch x each strategy, plus each arch's variants)"
                + " and compare them: a table on the terminal, and a report in JSON, CSV or self-contained HTML.",
                "Archs, strategies and scenarios default to all of them."})
final class CompareCommand implements Runnable {
    private final PluginRegistry registry;
    private final ScenarioCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH", split = ",", description = "Arch backends to compare (repeatable).")
    private List<String> archs = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "STRATEGY", split = ",", description = "Argument strategies to compare (repeatable).")
    private List<String> strategies = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "SCENARIO", split = ",", description = "Scenarios to run (repeatable).")
    private List<String> scenarios = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "An arch, strategy or scenario parameter (repeatable). Setting an arch or strategy parameter"
                    + " replaces the built-in variants with exactly that configuration.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "1", description = "The seed of the first run (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--repeat", defaultValue = "1", description = "Seeds per run, from --seed on (default ${DEFAULT-VALUE}).")
    private int repeat;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "table, json, csv or html (default: from the --out file's extension, else table).")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE (the table still goes to the terminal).")
    private Path out;

    @Option(names = "--cost-model", paramLabel = "FILE", description = "Per-event costs overriding the defaults (JSON or properties).")
    private Path costModelFile;

    @Option(names = "--threads", description = "Runs at a time (default: one per core).")
    private Integer threads;

    @Option(names = "--sweep", arity = "0..1", paramLabel = "KEY=V1,V2,...", fallbackValue = "",
            description = "Sweep a sized scenario's size parameter over these values for the growth charts (repeatable),"
                    + " e.g. --sweep balloon-pages=1024,4096,16384. Sized scenarios not named are swept over their"
                    + " default points. Sweeping is on by default.")
    private List<String> sweeps = new ArrayList<>();

    @Option(names = "--no-sweep", description = "Do not sweep sized scenarios (no growth charts).")
    private boolean noSweep;

    @Option(names = "--raw", description = "Keep every seed's result in the JSON and CSV besides the aggregates"
            + " (the CSV then has one row per run).")
    private boolean raw;

    @Option(names = "--sensitivity", description = "Scale each per-event cost by x0.25, x0.5, x2 and x4 and report"
            + " whether each scenario's ranking of configurations changes, and which cost decides it.")
    private boolean sensitivity;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only shard I of N (the runs whose index in the comparison's run order is I modulo N,"
                    + " 0 <= I < N) and write them to the shard file --out FILE, for 'xencomm-lab merge' to fold"
                    + " with the other shards into the report (docs/SCALE-OUT.md).")
    private String shard;

    CompareCommand(PluginRegistry registry, ScenarioCatalog catalog) {
        this.registry = requireNonNull(registry, "registry is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Parses {@code --sweep key=v1,v2,...} options; a bare {@code --sweep} adds nothing. */
    static Map<String, List<Long>> sweepValues(List<String> options) {
        Map<String, List<Long>> values = new LinkedHashMap<>();
        for (String option : options) {
            if (option.isEmpty()) {
                continue;
            }
            int equals = option.indexOf('=');
            if (equals <= 0 || equals == option.length() - 1) {
                throw new UsageException("--sweep wants KEY=V1,V2,... (for example balloon-pages=1024,4096,16384),"
                        + " not '" + option + "'");
            }
            String key = option.substring(0, equals);
            List<Long> list = new ArrayList<>();
            for (String piece : option.substring(equals + 1).split(",", -1)) {
                try {
                    list.add(Long.parseLong(piece.strip()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--sweep " + key + ": '" + piece + "' is not a whole number");
                }
            }
            if (values.putIfAbsent(key, List.copyOf(list)) != null) {
                throw new UsageException("--sweep " + key + " is given twice");
            }
        }
        return values;
    }

    @Override
    public void run() {
        if (repeat < 1 || repeat > 1000) {
            throw new UsageException("--repeat must be between 1 and 1000, not " + repeat);
        }
        Shard slice = null;
        if (shard != null) {
            try {
                slice = Shard.parse(shard);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (out == null) {
                throw new UsageException("--shard writes a shard file: give --out FILE");
            }
            if (format != null) {
                throw new UsageException("--format does not apply to --shard (a shard file is JSON; give the format to"
                        + " 'xencomm-lab merge')");
            }
        }
        archs.forEach(registry::arch);
        strategies.forEach(registry::strategy);
        List<Scenario> chosen = scenarios.isEmpty() ? catalog.all() : scenarios.stream().distinct().map(catalog::get).toList();
        ReportFormat outputFormat = slice == null ? CliSupport.format(format, out) : ReportFormat.JSON;
        CostModel costModel = CliSupport.costModel(costModelFile, registry);
        CliSupport.checkWritable(out);
        int cores = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (cores < 1 || cores > 256) {
            throw new UsageException("--threads must be between 1 and 256, not " + cores);
        }

        if (noSweep && sweeps.stream().anyMatch(s -> !s.isEmpty())) {
            throw new UsageException("--no-sweep and --sweep " + sweeps.get(0) + " contradict each other");
        }
        Map<String, List<Long>> sweepValues = sweepValues(sweeps);
        Comparison comparison;
        try {
            comparison = new Comparison(archs.stream().distinct().toList(), strategies.stream().distinct().toList(),
                    chosen, settings, seed, repeat, !noSweep, sweepValues, raw);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        comparison.configurations(registry);
        Progress progress = Progress.onTerminal(spec.commandLine().getErr());
        if (slice != null) {
            runShard(comparison, slice, costModel, cores, progress);
            return;
        }
        int total = comparison.totalRuns(registry);
        ComparisonReport report = comparison.run(new RunInjectors(registry), costModel, LabVersion.version(), cores,
                done -> progress.update(done, total));
        progress.finish();
        if (sensitivity) {
            report = report.withSensitivity(Sensitivities.of(report, Sensitivities.DEFAULT_FACTORS));
        }

        PrintWriter terminal = spec.commandLine().getOut();
        if (out == null) {
            terminal.print(outputFormat.render(report));
        } else {
            terminal.print(ReportFormat.TABLE.render(report));
            CliSupport.write(out, outputFormat.render(report));
            terminal.println("wrote " + outputFormat.cliName() + " report to " + out);
        }
        terminal.flush();
    }

    /** Runs one shard and writes its shard file; nothing is written unless the shard completes. */
    private void runShard(Comparison comparison, Shard slice, CostModel costModel, int cores, Progress progress) {
        RunInjectors injectors = new RunInjectors(registry);
        int total = comparison.totalRuns(registry);
        int mine = slice.runsOf(total);
        ShardResults results = comparison.runShard(injectors, costModel, slice, cores, done -> progress.update(done, mine));
        progress.finish();
        ShardFile.Definition definition = new ShardFile.Definition(comparison.archs(), comparison.strategies(),
                comparison.scenarios().stream().map(Scenario::name).toList(), new TreeMap<>(settings), repeat, !noSweep,
                new TreeMap<>(comparison.sweepValues()), raw, sensitivity, total,
                comparison.reportedConfigurations(injectors), comparison.scenarioInfos(), costModel);
        ShardFile file = new ShardFile(LabVersion.version(), seed, definition, results);
        MergeCommand.writeWhole(out, file.write());
        PrintWriter terminal = spec.commandLine().getOut();
        terminal.println("ran shard " + slice + ": " + mine + " of the comparison's " + total + " runs; wrote shard file "
                + out);
        terminal.flush();
    }
}
