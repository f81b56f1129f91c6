package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.LabRunner;
import org.xencommlab.examples.lab.RecordingTrace;
import org.xencommlab.examples.lab.RunSpec;
import org.xencommlab.examples.lab.SettingsRouter;
import org.xencommlab.examples.lab.TraceWriter;
import org.xencommlab.examples.report.ReportFormat;
import org.xencommlab.examples.report.TableRenderer;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.examples.scenario.ScenarioSettings;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xencomm-lab run}: one scenario on one configuration, optionally with its event trace. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one scenario on one configuration and print its counts. --trace FILE writes every event"
                + " (hypercalls and continuations as slices; system calls, registrations, faults, paging and"
                + " scheduling as instants) as a Chrome trace-event file that Perfetto and chrome://tracing open."
                + " Exits 1 if the workload failed.")
final class RunCommand implements Runnable {
    /** Events kept for --trace; a run with more says how many it left out. */
    static final int TRACE_LIMIT = 200_000;
    /** --trace without a file: the trace goes to standard output, as text. */
    private static final String STDOUT = "-";

    private final PluginRegistry registry;
    private final ScenarioCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "The arch backend.")
    private String arch;

    @Option(names = "--strategy", required = true, paramLabel = "STRATEGY", description = "The argument strategy.")
    private String strategy;

    @Option(names = "--scenario", required = true, paramLabel = "SCENARIO", description = "The scenario.")
    private String scenario;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "An arch, strategy or scenario parameter (repeatable).")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "1", description = "The run's seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--trace", arity = "0..1", fallbackValue = STDOUT, paramLabel = "FILE",
            description = "Write the run's events to FILE (Chrome trace-event JSON unless --trace-format says"
                    + " otherwise). Without FILE, print them as text before the counts (table format only).")
    private String trace;

    @Option(names = "--trace-format", paramLabel = "FORMAT",
            description = "chrome (trace-event JSON), jsonl (one event per line) or text; default: chrome for a"
                    + " file, text on standard output.")
    private String traceFormat;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}).")
    private String format;

    /** The trace's format, checked against where it goes and what else goes to standard output. */
    private TraceWriter.Format traceFormat(ReportFormat outputFormat, Path traceFile) {
        if (trace == null) {
            if (traceFormat != null) {
                throw new UsageException("--trace-format needs --trace FILE");
            }
            return null;
        }
        TraceWriter.Format format;
        try {
            format = traceFormat == null
                    ? (traceFile == null ? TraceWriter.Format.TEXT : TraceWriter.Format.CHROME)
                    : TraceWriter.Format.fromCliName(traceFormat);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (traceFile == null && format != TraceWriter.Format.TEXT) {
            throw new UsageException("a " + format.cliName() + " trace goes to a file: give --trace FILE");
        }
        if (traceFile == null && outputFormat != ReportFormat.TABLE) {
            throw new UsageException("--trace without FILE would mix text into the " + outputFormat.extension()
                    + " on standard output; give --trace FILE");
        }
        return format;
    }

    RunCommand(PluginRegistry registry, ScenarioCatalog catalog) {
        this.registry = requireNonNull(registry, "registry is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public void run() {
        ArchPlugin archPlugin = registry.arch(arch);
        StrategyPlugin strategyPlugin = registry.strategy(strategy);
        Scenario chosen = catalog.get(scenario);
        ReportFormat outputFormat = CliSupport.format(format, null);
        if (outputFormat == ReportFormat.HTML) {
            throw new UsageException("run prints table, json or csv; use compare --out FILE.html for HTML");
        }
        List<ParameterSpec> declared = new ArrayList<>(archPlugin.parameters());
        declared.addAll(strategyPlugin.parameters());
        declared.addAll(chosen.parameters());
        SettingsRouter.requireKnown(settings, declared, " for " + arch + "/" + strategy + "/" + scenario);
        Map<String, String> archSets = SettingsRouter.select(settings, archPlugin.parameters());
        Map<String, String> strategySets = SettingsRouter.select(settings, strategyPlugin.parameters());
        Map<String, String> scenarioSets = SettingsRouter.selectForScenario(settings, chosen);
        Parameters.of(archPlugin.parameters(), archSets);
        Parameters.of(strategyPlugin.parameters(), strategySets);
        ScenarioSettings.validate(chosen, scenarioSets);
        Path traceFile = trace == null || trace.equals(STDOUT) ? null : Path.of(trace);
        TraceWriter.Format traceOutput = traceFormat(outputFormat, traceFile);
        CliSupport.checkWritable(traceFile, "--trace");

        RunInjectors injectors = new RunInjectors(registry);
        CostModel costModel = CostModel.defaults(CliSupport.catalog(registry));
        LabRunner runner = new LabRunner(injectors, costModel);
        LabConfiguration configuration = new LabConfiguration(arch, strategy, archSets, strategySets);
        RecordingTrace recording = new RecordingTrace(TRACE_LIMIT);
        Trace sink = trace != null ? recording : Trace.DISABLED;
        RunResult result = runner.run(new RunSpec(configuration, chosen, scenarioSets, seed),
                RunEnvironment.defaults(seed).withTrace(sink));

        PrintWriter out = spec.commandLine().getOut();
        if (trace != null) {
            TraceWriter writer = new TraceWriter(recording, configuration.label() + " " + scenario + " seed " + seed);
            try {
                if (traceFile == null) {
                    writer.write(out, traceOutput);
                } else {
                    try (Writer file = Files.newBufferedWriter(traceFile, StandardCharsets.UTF_8)) {
                        writer.write(file, traceOutput);
                    }
                }
            } catch (IOException e) {
                throw new UsageException("cannot write --trace " + trace + ": " + e.getMessage());
            }
        }
        ComparisonReport report = ComparisonReport.of(seed, LabVersion.version(),
                List.of(runner.reportedConfiguration(configuration)),
                List.of(ScenarioInfo.of(chosen.name(), chosen.summary(),
                        ScenarioSettings.reported(chosen, scenarioSets))),
                costModel, List.of(result), List.of());
        if (outputFormat == ReportFormat.TABLE) {
            out.printf("xencomm-lab %s run: %s, scenario %s, seed %d%n%n", LabVersion.version(), configuration.label(),
                    scenario, seed);
            out.print(TableRenderer.renderBlocks(report));
        } else {
            out.print(outputFormat.render(report));
        }
        out.flush();
        if (result.outcome() == Outcome.FAILED) {
            throw new RunFailedException(scenario + " failed on " + configuration.label() + ": " + result.failure());
        }
    }
}
