package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xencommlab.examples.cost.CostModel;

/**
 * Everything one {@code compare} produced: the input of every renderer, and the JSON report's root
 * (docs/report-schema.md). Immutable and canonical: whatever order the lab's parallel runs finished
 * in, results are sorted by scenario (in {@code scenarios} order), then configuration (in
 * {@code configurations} order), then seed; so the same runs give the same report.
 *
 * <p>How the lab fills it:
 * <pre>{@code
 * List<RunResult> results = ...;   // one per (configuration, scenario, seed), any order:
 * results.add(RunResult.ok(configuration, "interleaved", scenarioParameters, seed, runMetrics, costModel));
 * results.add(RunResult.failed(configuration, "spanning", scenarioParameters, seed,
 *         "alloc_mem: -ENOSPC after 3 retries", runMetrics, costModel));
 * ComparisonReport report = ComparisonReport.of(seed, toolVersion, configurations, scenarios, costModel,
 *         results, sweeps);
 * }</pre>
 *
 * @param schemaVersion the JSON schema's version; {@link #SCHEMA_VERSION} for reports made now
 * @param seed the base seed the user gave; each result carries its own seed
 * @param toolVersion the version of xencomm-lab that ran
 * @param configurations the configurations run, in the lab's order (the report's column order)
 * @param scenarios the scenarios run, in the lab's order
 * @param costModel the cost model that priced every result
 * @param aggregates one per configuration x scenario that ran: its runs folded into statistics
 * @param results one per run, kept only on request ({@code --raw}); may be empty
 * @param sweeps how costs grow with size; may be empty
 * @param sensitivity per scenario, how its ranking holds when costs are scaled; empty unless asked for
 */
@JsonPropertyOrder({"schemaVersion", "seed", "toolVersion", "configurations", "scenarios", "costModel",
        "aggregates", "results", "sweeps", "sensitivity"})
public record ComparisonReport(
        int schemaVersion,
        long seed,
        String toolVersion,
        List<Configuration> configurations,
        List<ScenarioInfo> scenarios,
        CostModel costModel,
        List<Aggregate> aggregates,
        List<RunResult> results,
        List<SizeSweep> sweeps,
        List<Sensitivity> sensitivity) {
    /** The version of docs/report-schema.md this code writes. */
    public static final int SCHEMA_VERSION = 2;

    public ComparisonReport {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException(
                    "schema version " + schemaVersion + " is not supported; valid: " + SCHEMA_VERSION);
        }
        requireNonNull(toolVersion, "toolVersion is null");
        configurations = List.copyOf(configurations);
        scenarios = List.copyOf(scenarios);
        requireNonNull(costModel, "costModel is null");
        sweeps = sweeps == null ? List.of() : List.copyOf(sweeps);
        results = results == null ? List.of() : results;
        sensitivity = sensitivity == null ? List.of() : List.copyOf(sensitivity);
        requireNonNull(aggregates, "aggregates is null");

        Map<Configuration, Integer> configurationOrder = new HashMap<>();
        for (Configuration configuration : configurations) {
            if (configurationOrder.putIfAbsent(configuration, configurationOrder.size()) != null) {
                throw new IllegalArgumentException("configuration " + configuration.id() + " is listed twice");
            }
        }
        Map<String, Integer> scenarioOrder = new HashMap<>();
        for (ScenarioInfo scenario : scenarios) {
            if (scenarioOrder.putIfAbsent(scenario.name(), scenarioOrder.size()) != null) {
                throw new IllegalArgumentException("scenario " + scenario.name() + " is listed twice");
            }
        }
        Set<List<Object>> seen = new HashSet<>();
        for (RunResult result : results) {
            if (!configurationOrder.containsKey(result.configurationKey())) {
                throw new IllegalArgumentException(
                        "result for configuration " + result.configuration() + ", which is not listed");
            }
            if (!scenarioOrder.containsKey(result.scenario())) {
                throw new IllegalArgumentException("result for scenario " + result.scenario() + ", which is not listed");
            }
            if (!seen.add(List.of(result.configurationKey(), result.scenario(), result.seed()))) {
                throw new IllegalArgumentException("two results for " + result.configuration() + " / "
                        + result.scenario() + " / seed " + result.seed());
            }
        }
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.<RunResult>comparingInt(r -> scenarioOrder.get(r.scenario()))
                .thenComparingInt(r -> configurationOrder.get(r.configurationKey()))
                .thenComparingLong(RunResult::seed));
        results = List.copyOf(sorted);
        Set<List<Object>> aggregated = new HashSet<>();
        for (Aggregate aggregate : aggregates) {
            if (!configurationOrder.containsKey(aggregate.configurationKey())
                    || !scenarioOrder.containsKey(aggregate.scenario())) {
                throw new IllegalArgumentException("aggregate for " + aggregate.configuration() + " / "
                        + aggregate.scenario() + ", which is not listed");
            }
            if (!aggregated.add(List.of(aggregate.configurationKey(), aggregate.scenario()))) {
                throw new IllegalArgumentException("two aggregates for " + aggregate.configuration() + " / "
                        + aggregate.scenario());
            }
        }
        List<Aggregate> sortedAggregates = new ArrayList<>(aggregates);
        sortedAggregates.sort(Comparator.<Aggregate>comparingInt(a -> scenarioOrder.get(a.scenario()))
                .thenComparingInt(a -> configurationOrder.get(a.configurationKey())));
        aggregates = List.copyOf(sortedAggregates);
        for (SizeSweep sweep : sweeps) {
            for (SweepSeries series : sweep.series()) {
                if (!configurationOrder.containsKey(series.configurationKey())) {
                    throw new IllegalArgumentException("sweep " + sweep.name() + " has a series for configuration "
                            + series.configuration() + ", which is not listed");
                }
            }
        }
    }

    /**
     * A report of the current schema version that keeps every run ({@code --raw}) and aggregates
     * them per configuration x scenario.
     */
    public static ComparisonReport of(long seed, String toolVersion, List<Configuration> configurations,
            List<ScenarioInfo> scenarios, CostModel costModel, List<RunResult> results, List<SizeSweep> sweeps) {
        Map<List<Object>, AggregateAccumulator> accumulators = new java.util.LinkedHashMap<>();
        for (RunResult result : results) {
            accumulators.computeIfAbsent(List.of(result.configurationKey(), result.scenario()),
                    key -> new AggregateAccumulator(result.configurationKey(), result.scenario(),
                            result.scenarioParameters())).add(result);
        }
        List<Aggregate> aggregates = accumulators.values().stream().map(AggregateAccumulator::build).toList();
        return new ComparisonReport(SCHEMA_VERSION, seed, toolVersion, configurations, scenarios, costModel,
                aggregates, results, sweeps, List.of());
    }

    /** A report of the current schema version from aggregates, with the runs kept if {@code raw} is not empty. */
    public static ComparisonReport of(long seed, String toolVersion, List<Configuration> configurations,
            List<ScenarioInfo> scenarios, CostModel costModel, List<Aggregate> aggregates, List<RunResult> raw,
            List<SizeSweep> sweeps, List<Sensitivity> sensitivity) {
        return new ComparisonReport(SCHEMA_VERSION, seed, toolVersion, configurations, scenarios, costModel,
                aggregates, raw, sweeps, sensitivity);
    }

    /** This report without its per-seed results. */
    public ComparisonReport withoutRawResults() {
        return new ComparisonReport(schemaVersion, seed, toolVersion, configurations, scenarios, costModel,
                aggregates, List.of(), sweeps, sensitivity);
    }

    /** This report with {@code sensitivity}. */
    public ComparisonReport withSensitivity(List<Sensitivity> newSensitivity) {
        return new ComparisonReport(schemaVersion, seed, toolVersion, configurations, scenarios, costModel,
                aggregates, results, sweeps, newSensitivity);
    }

    /** The per-seed results of {@code scenario}, in configuration then seed order; empty unless kept. */
    public List<RunResult> resultsOf(String scenario) {
        return results.stream().filter(r -> r.scenario().equals(scenario)).toList();
    }

    /** The aggregates of {@code scenario}, in configuration order. */
    public List<Aggregate> aggregatesOf(String scenario) {
        return aggregates.stream().filter(a -> a.scenario().equals(scenario)).toList();
    }

    /** How many runs the aggregates hold. */
    public long runCount() {
        return aggregates.stream().mapToLong(Aggregate::runs).sum();
    }

    /** How many of them failed. */
    public long failedCount() {
        return aggregates.stream().mapToLong(Aggregate::failed).sum();
    }

    /** The scenario called {@code name}, if it was run. */
    public java.util.Optional<ScenarioInfo> scenario(String name) {
        return scenarios.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
