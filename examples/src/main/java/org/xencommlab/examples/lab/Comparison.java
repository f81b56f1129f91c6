package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.AggregateAccumulator;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.SizeSweep;
import org.xencommlab.examples.report.model.SweepPoint;
import org.xencommlab.examples.report.model.SweepSeries;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioSettings;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * A comparison: every chosen configuration runs every chosen scenario for every seed, and the
 * scenarios that have a size are swept over a few sizes on the plain configurations, for the
 * growth charts. Everything it returns is a pure function of its inputs.
 *
 * @param archs arch names (empty: every discovered arch)
 * @param strategies strategy names (empty: every discovered strategy)
 * @param scenarios the scenarios to run, in report order
 * @param settings {@code --set} pairs; keys an arch or strategy declares make the configurations
 *     (and then no built-in variants are added); keys a scenario declares set its parameters;
 *     {@code machine-memory} sizes every run's machine (and the scenarios' ranges follow from it)
 * @param seed the first seed
 * @param repeat how many seeds, from {@code seed} on
 * @param sweep whether to sweep sized scenarios for the growth charts
 * @param sweepValues user-chosen sweep values by scenario size parameter ({@code balloon-pages});
 *     a sized scenario not named here is swept over {@link #defaultSweepValues its default points}
 * @param raw whether the report keeps every run besides the aggregates (memory grows with the runs)
 */
public record Comparison(List<String> archs, List<String> strategies, List<Scenario> scenarios,
        Map<String, String> settings, long seed, int repeat, boolean sweep, Map<String, List<Long>> sweepValues,
        boolean raw) {
    public Comparison(List<String> archs, List<String> strategies, List<Scenario> scenarios,
            Map<String, String> settings, long seed, int repeat, boolean sweep) {
        this(archs, strategies, scenarios, settings, seed, repeat, sweep, Map.of(), false);
    }

    public Comparison {
        List<Scenario> chosen = List.copyOf(scenarios);
        for (Map.Entry<String, List<Long>> entry : sweepValues.entrySet()) {
            Scenario owner = chosen.stream().filter(s -> entry.getKey().equals(s.sizeParameter())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--sweep " + entry.getKey()
                            + ": no chosen scenario is swept by it; valid: " + String.join(", ",
                                    chosen.stream().map(Scenario::sizeParameter)
                                            .filter(java.util.Objects::nonNull).toList())));
            List<Long> values = entry.getValue();
            if (values.isEmpty()) {
                throw new IllegalArgumentException("--sweep " + entry.getKey() + " has no values");
            }
            for (int i = 0; i < values.size(); i++) {
                if (i > 0 && values.get(i) <= values.get(i - 1)) {
                    throw new IllegalArgumentException("--sweep " + entry.getKey()
                            + " values must be strictly ascending: " + values);
                }
                String value = Long.toString(values.get(i));
                try {
                    Parameters.of(owner.parameters(ScenarioSettings.machineMemoryBytes(settings)), Map.of(entry.getKey(), value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--sweep " + entry.getKey() + ": " + e.getMessage(), e);
                }
            }
        }
        sweepValues = Map.copyOf(sweepValues);
        archs = List.copyOf(archs);
        strategies = List.copyOf(strategies);
        scenarios = List.copyOf(scenarios);
        settings = Map.copyOf(settings);
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1");
        }
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("no scenario chosen");
        }
    }

    /** The configurations this comparison runs, validated against the plugins. */
    public List<LabConfiguration> configurations(PluginRegistry registry) {
        List<String> archNames = archs.isEmpty() ? registry.archNames() : archs;
        List<String> strategyNames = strategies.isEmpty() ? registry.strategyNames() : strategies;
        List<ParameterSpec> declared = new ArrayList<>();
        archNames.forEach(name -> declared.addAll(registry.arch(name).parameters()));
        strategyNames.forEach(name -> declared.addAll(registry.strategy(name).parameters()));
        scenarios.forEach(scenario -> declared.addAll(scenario.parameters()));
        SettingsRouter.requireKnown(settings, declared);

        boolean configured = archNames.stream().anyMatch(a -> !SettingsRouter.select(settings, registry.arch(a).parameters()).isEmpty())
                || strategyNames.stream().anyMatch(s -> !SettingsRouter.select(settings, registry.strategy(s).parameters()).isEmpty());
        LinkedHashSet<LabConfiguration> result = new LinkedHashSet<>();
        for (String archName : archNames) {
            ArchPlugin arch = registry.arch(archName);
            for (String strategyName : strategyNames) {
                StrategyPlugin strategy = registry.strategy(strategyName);
                Map<String, String> strategySets = SettingsRouter.select(settings, strategy.parameters());
                validate("strategy " + strategyName, () -> Parameters.of(strategy.parameters(), strategySets));
                if (configured) {
                    Map<String, String> archSets = SettingsRouter.select(settings, arch.parameters());
                    validate("arch " + archName, () -> Parameters.of(arch.parameters(), archSets));
                    result.add(new LabConfiguration(archName, strategyName, archSets, strategySets));
                } else {
                    result.add(new LabConfiguration(archName, strategyName, Map.of(), strategySets));
                    for (Map<String, String> variant : arch.variants()) {
                        result.add(new LabConfiguration(archName, strategyName, variant, strategySets));
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    /** Runs a validation, naming whose parameters were refused (one line, as the CLI prints it). */
    private static void validate(String whose, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            // Only an arch's or a strategy's parameter can be aimed with --arch or --strategy.
            String hint = whose.startsWith("scenario ") ? ""
                    : " (choose the archs or strategies it applies to with --arch or --strategy)";
            throw new IllegalArgumentException(whose + ": " + e.getMessage() + hint, e);
        }
    }

    /** The parameters the user set for {@code scenario}. */
    public Map<String, String> scenarioSettings(Scenario scenario) {
        Map<String, String> sets = SettingsRouter.selectForScenario(settings, scenario);
        validate("scenario " + scenario.name(), () -> ScenarioSettings.validate(scenario, sets));
        return sets;
    }

    /** The runs of this comparison, in report order. */
    public List<RunSpec> runs(PluginRegistry registry) {
        List<LabConfiguration> configurations = configurations(registry);
        List<RunSpec> runs = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            Map<String, String> parameters = scenarioSettings(scenario);
            for (LabConfiguration configuration : configurations) {
                for (int i = 0; i < repeat; i++) {
                    runs.add(new RunSpec(configuration, scenario, parameters, seed + i));
                }
            }
        }
        return runs;
    }

    /** How many runs {@link #run} makes: the comparison's own and the sweeps'. */
    public int totalRuns(PluginRegistry registry) {
        List<LabConfiguration> configurations = configurations(registry);
        return ownRunCount(configurations) + (sweep ? sweepJobs(configurations).size() : 0);
    }

    private int ownRunCount(List<LabConfiguration> configurations) {
        return Math.multiplyExact(Math.multiplyExact(scenarios.size(), configurations.size()), repeat);
    }

    /**
     * Runs the comparison on {@code threads} threads and builds its report; {@code progress} is
     * told how many runs are done after each one. The comparison's own runs are made one by one
     * as the runner asks for them, in {@link #runs} order, and folded in that order, so the
     * state held grows with configurations x scenarios, not with {@code repeat} (unless raw).
     */
    public ComparisonReport run(RunInjectors injectors, CostModel costModel, String toolVersion, int threads,
            IntConsumer progress) {
        ShardResults whole = runShard(injectors, costModel, Shard.WHOLE, threads, progress);
        return report(injectors, costModel, toolVersion, List.of(whole));
    }

    /** How configurations and runs are laid out: the same for every shard of one comparison. */
    private final class Plan {
        final List<LabConfiguration> configurations;
        final Map<LabConfiguration, Configuration> reported = new LinkedHashMap<>();
        final List<Map<String, String>> scenarioSettings = new ArrayList<>();
        final List<Map<String, String>> scenarioParameters = new ArrayList<>();
        final List<SweepJob> sweepJobs;
        final int own;
        final int perScenario;

        Plan(RunInjectors injectors, CostModel costModel) {
            requireNonNull(injectors, "injectors is null");
            LabRunner runner = new LabRunner(injectors, costModel);
            configurations = configurations(injectors.registry());
            for (Scenario scenario : scenarios) {
                Map<String, String> sets = scenarioSettings(scenario);
                scenarioSettings.add(sets);
                scenarioParameters.add(new TreeMap<>(ScenarioSettings.reported(scenario, sets)));
            }
            sweepJobs = sweep ? sweepJobs(configurations) : List.of();
            own = ownRunCount(configurations);
            perScenario = configurations.size() * repeat;
            for (LabConfiguration configuration : configurations) {
                reported.put(configuration, runner.reportedConfiguration(configuration));
            }
        }

        int total() {
            return Math.addExact(own, sweepJobs.size());
        }

        RunSpec specAt(int index) {
            if (index >= own) {
                return sweepJobs.get(index - own).spec();
            }
            int scenario = index / perScenario;
            int configuration = index % perScenario / repeat;
            return new RunSpec(configurations.get(configuration), scenarios.get(scenario),
                    scenarioSettings.get(scenario), seed + index % repeat);
        }

        /** One empty accumulator per configuration x scenario, in report order. */
        Map<List<Object>, AggregateAccumulator> accumulators() {
            Map<List<Object>, AggregateAccumulator> accumulators = new LinkedHashMap<>();
            for (int s = 0; s < scenarios.size(); s++) {
                String name = scenarios.get(s).name();
                for (Configuration key : reported.values()) {
                    accumulators.put(List.of(key, name), new AggregateAccumulator(key, name, scenarioParameters.get(s)));
                }
            }
            return accumulators;
        }

        List<ScenarioInfo> infos() {
            List<ScenarioInfo> infos = new ArrayList<>();
            for (int s = 0; s < scenarios.size(); s++) {
                infos.add(ScenarioInfo.of(scenarios.get(s).name(), scenarios.get(s).summary(), scenarioParameters.get(s)));
            }
            return infos;
        }
    }

    /** The configurations as the report names them, in report order. */
    public List<Configuration> reportedConfigurations(RunInjectors injectors) {
        return List.copyOf(new Plan(injectors, CostModel.defaults()).reported.values());
    }

    /** The scenarios as the report describes them, with every parameter value, in report order. */
    public List<ScenarioInfo> scenarioInfos() {
        List<ScenarioInfo> infos = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            infos.add(ScenarioInfo.of(scenario.name(), scenario.summary(),
                    new TreeMap<>(ScenarioSettings.reported(scenario, scenarioSettings(scenario)))));
        }
        return infos;
    }

    /**
     * Makes the runs of one shard, {@code threads} at a time, folding each into its configuration x
     * scenario accumulator as it finishes (in run order); {@code progress} is told how many of the
     * shard's runs are done after each one.
     */
    public ShardResults runShard(RunInjectors injectors, CostModel costModel, Shard shard, int threads,
            IntConsumer progress) {
        requireNonNull(shard, "shard is null");
        Plan plan = new Plan(injectors, costModel);
        LabRunner runner = new LabRunner(injectors, costModel);
        int count = shard.runsOf(plan.total());
        // Each run is folded into its configuration x scenario accumulator as it finishes; only
        // the sweeps' runs (one seed each) and, with raw, the comparison's own runs are kept.
        Map<List<Object>, AggregateAccumulator> accumulators = plan.accumulators();
        List<RunResult> rawResults = new ArrayList<>();
        SortedMap<Integer, RunResult> sweepResults = new TreeMap<>();
        List<List<String>> catalog = new ArrayList<>();
        runner.forEach(count, k -> plan.specAt(shard.runIndex(k)), threads, progress, (k, result) -> {
            if (catalog.isEmpty()) {
                catalog.add(result.metrics().catalogNames());
            }
            int index = shard.runIndex(k);
            if (index >= plan.own) {
                sweepResults.put(index, result);
                return;
            }
            accumulators.get(List.of(result.configurationKey(), result.scenario())).add(result);
            if (raw) {
                rawResults.add(result);
            }
        });
        return new ShardResults(shard, count, catalog.isEmpty() ? List.of() : catalog.get(0),
                accumulators.values().stream().map(AggregateAccumulator::state).toList(), sweepResults, rawResults);
    }

    /**
     * The report of this comparison from the results of all its shards, in any order: the same
     * report, byte for byte, as {@link #run} makes in one go.
     *
     * @throws IllegalArgumentException with a one-line reason if the shards overlap, one is
     *     missing, or one holds runs this comparison does not make
     */
    public ComparisonReport report(RunInjectors injectors, CostModel costModel, String toolVersion,
            List<ShardResults> parts) {
        requireNonNull(parts, "parts is null");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no shard to merge");
        }
        Plan plan = new Plan(injectors, costModel);
        int count = parts.get(0).shard().count();
        ShardResults[] byIndex = new ShardResults[count];
        for (ShardResults part : parts) {
            Shard shard = part.shard();
            if (shard.count() != count) {
                throw new IllegalArgumentException("shards of different splits: " + parts.get(0).shard() + " and "
                        + shard + " (every shard must be I/" + count + ")");
            }
            if (byIndex[shard.index()] != null) {
                throw new IllegalArgumentException("shard " + shard + " is given twice (overlapping shards)");
            }
            byIndex[shard.index()] = part;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (byIndex[i] == null) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing shard" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing.size() > 10 ? missing.subList(0, 10) : missing)
                    + (missing.size() > 10 ? " and " + (missing.size() - 10) + " more" : ""));
        }

        Map<List<Object>, AggregateAccumulator> accumulators = plan.accumulators();
        List<RunResult> rawResults = new ArrayList<>();
        RunResult[] sweepResults = new RunResult[plan.sweepJobs.size()];
        for (ShardResults part : byIndex) {
            Shard shard = part.shard();
            if (part.runs() != shard.runsOf(plan.total())) {
                throw new IllegalArgumentException("shard " + shard + " holds " + part.runs() + " runs; its share of this"
                        + " comparison's " + plan.total() + " runs is " + shard.runsOf(plan.total()));
            }
            if (part.accumulators().size() != accumulators.size()) {
                throw new IllegalArgumentException("shard " + shard + " folds " + part.accumulators().size()
                        + " configuration x scenario pairs; this comparison has " + accumulators.size());
            }
            java.util.Iterator<AggregateAccumulator> into = accumulators.values().iterator();
            for (AggregateAccumulator.FoldedRuns state : part.accumulators()) {
                into.next().merge(AggregateAccumulator.restore(state, part.catalogNames()));
            }
            for (Map.Entry<Integer, RunResult> entry : part.sweepResults().entrySet()) {
                int index = entry.getKey();
                if (index < plan.own || index >= plan.total()) {
                    throw new IllegalArgumentException("shard " + shard + " holds run " + index
                            + ", which is no sweep run of this comparison");
                }
                sweepResults[index - plan.own] = entry.getValue();
            }
            if (raw && part.raw().size() != part.runs() - part.sweepResults().size()) {
                throw new IllegalArgumentException("shard " + shard + " does not keep its runs (--raw)");
            }
            if (!raw && !part.raw().isEmpty()) {
                throw new IllegalArgumentException("shard " + shard + " keeps raw runs, but the comparison is not --raw");
            }
            rawResults.addAll(part.raw());
        }
        for (AggregateAccumulator accumulator : accumulators.values()) {
            if (accumulator.runs() != repeat) {
                throw new IllegalArgumentException("the shards hold " + accumulator.runs() + " runs of a"
                        + " configuration x scenario that runs " + repeat + " seeds");
            }
        }
        for (int i = 0; i < sweepResults.length; i++) {
            if (sweepResults[i] == null) {
                throw new IllegalArgumentException("no shard holds sweep run " + (plan.own + i));
            }
        }

        List<Aggregate> aggregates = accumulators.values().stream().map(AggregateAccumulator::build).toList();
        List<SizeSweep> sweeps = buildSweeps(plan.sweepJobs, List.of(sweepResults), plan.reported);
        return ComparisonReport.of(seed, toolVersion, List.copyOf(plan.reported.values()), plan.infos(), costModel,
                aggregates, List.copyOf(rawResults), sweeps, List.of());
    }

    /**
     * The default sweep of {@code scenario}: its own sweep values with the geometric mean of each
     * neighbouring pair between them, so a growth chart has about twice the points.
     */
    public static List<Long> defaultSweepValues(Scenario scenario) {
        List<Long> base = scenario.sweepValues();
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (i > 0) {
                long middle = Math.round(Math.sqrt((double) base.get(i - 1) * base.get(i)));
                if (middle > base.get(i - 1) && middle < base.get(i)) {
                    values.add(middle);
                }
            }
            values.add(base.get(i));
        }
        return List.copyOf(values);
    }

    private List<Long> sweepValuesOf(Scenario scenario) {
        List<Long> chosen = sweepValues.get(scenario.sizeParameter());
        return chosen != null ? chosen : defaultSweepValues(scenario);
    }

    private record SweepJob(Scenario scenario, LabConfiguration configuration, long value, RunSpec spec) {}

    private List<SweepJob> sweepJobs(List<LabConfiguration> configurations) {
        List<SweepJob> jobs = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            String parameter = scenario.sizeParameter();
            if (parameter == null || settings.containsKey(parameter)) {
                continue;
            }
            for (LabConfiguration configuration : configurations) {
                if (!configuration.archParameters().isEmpty()) {
                    continue; // growth is charted for the plain configurations
                }
                for (long value : sweepValuesOf(scenario)) {
                    Map<String, String> parameters = new TreeMap<>(scenarioSettings(scenario));
                    parameters.put(parameter, Long.toString(value));
                    jobs.add(new SweepJob(scenario, configuration, value, new RunSpec(configuration, scenario, parameters, seed)));
                }
            }
        }
        return jobs;
    }

    private List<SizeSweep> buildSweeps(List<SweepJob> jobs, List<RunResult> results,
            Map<LabConfiguration, Configuration> reported) {
        Map<Scenario, Map<LabConfiguration, List<SweepPoint>>> points = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            SweepJob job = jobs.get(i);
            RunResult result = results.get(i);
            SweepPoint point = new SweepPoint(job.value(), result.outcome(), result.failure(), result.metrics());
            points.computeIfAbsent(job.scenario(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(job.configuration(), c -> new ArrayList<>()).add(point);
        }
        List<SizeSweep> sweeps = new ArrayList<>();
        for (Map.Entry<Scenario, Map<LabConfiguration, List<SweepPoint>>> entry : points.entrySet()) {
            Scenario scenario = entry.getKey();
            List<SweepSeries> series = new ArrayList<>();
            entry.getValue().forEach((configuration, list) -> series.add(SweepSeries.of(reported.get(configuration), list)));
            sweeps.add(new SizeSweep(scenario.name(), scenario.sizeParameter(), sweepValuesOf(scenario),
                    new TreeMap<>(scenarioSettings(scenario)), seed, series));
        }
        return sweeps;
    }
}
