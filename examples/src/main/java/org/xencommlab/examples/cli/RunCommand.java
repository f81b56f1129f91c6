package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
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
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.lab.LabRunner;
import org.xencommlab.examples.lab.RecordingTrace;
import org.xencommlab.examples.lab.RunSpec;
import org.xencommlab.examples.lab.SettingsRouter;
import org.xencommlab.examples.report.ReportFormat;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.examples.wiring.LabConfiguration;
import org.xencommlab.examples.wiring.PluginRegistry;
import org.xencommlab.examples.wiring.RunEnvironment;
import org.xencommlab.examples.wiring.RunInjectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xencomm-lab run}: one scenario on one configuration, optionally with its event trace. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one scenario on one configuration and print its counts; --trace prints every event"
                + " (system calls, hypercalls, registrations, faults, paging) first. Exits 1 if the workload failed.")
final class RunCommand implements Runnable {
    /** Events kept for --trace; a run with more says how many it left out. */
    static final int TRACE_LIMIT = 200_000;

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

    @Option(names = "--trace", description = "Print the run's events.")
    private boolean trace;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}).")
    private String format;

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
        Map<String, String> scenarioSets = SettingsRouter.select(settings, chosen.parameters());
        Parameters.of(archPlugin.parameters(), archSets);
        Parameters.of(strategyPlugin.parameters(), strategySets);
        Parameters.of(chosen.parameters(), scenarioSets);

        RunInjectors injectors = new RunInjectors(registry);
        CostModel costModel = CostModel.defaults();
        LabRunner runner = new LabRunner(injectors, costModel);
        LabConfiguration configuration = new LabConfiguration(arch, strategy, archSets, strategySets);
        RecordingTrace recording = new RecordingTrace(TRACE_LIMIT);
        Trace sink = trace ? recording : Trace.DISABLED;
        RunResult result = runner.run(new RunSpec(configuration, chosen, scenarioSets, seed),
                RunEnvironment.defaults(seed).withTrace(sink));

        PrintWriter out = spec.commandLine().getOut();
        if (trace) {
            for (TraceEvent event : recording.events()) {
                out.println(event);
            }
            if (recording.dropped() > 0) {
                out.printf("... %d more events not shown%n", recording.dropped());
            }
        }
        ComparisonReport report = ComparisonReport.of(seed, LabVersion.version(),
                List.of(runner.reportedConfiguration(configuration)),
                List.of(ScenarioInfo.of(chosen.name(), chosen.summary(),
                        new TreeMap<>(Parameters.of(chosen.parameters(), scenarioSets).all()))),
                costModel, List.of(result), List.of());
        out.print(outputFormat.render(report));
        out.flush();
        if (result.outcome() == Outcome.FAILED) {
            throw new RunFailedException(scenario + " failed on " + configuration.label() + ": " + result.failure());
        }
    }
}
