package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Folds the runs of one configuration x scenario into an {@link Aggregate} as they finish, so a
 * comparison need not keep every run. It keeps, per metric and per errno, each distinct non-zero
 * value with how many runs had it: a count that does not vary with the seed costs one entry
 * however many seeds run. Thread-safe; the result does not depend on the order runs are added.
 */
public final class AggregateAccumulator {
    private final Configuration configuration;
    private final String scenario;
    private final SortedMap<String, String> scenarioParameters;
    private final Map<String, NavigableMap<Long, Long>> metrics = new TreeMap<>();
    private final Map<String, NavigableMap<Long, Long>> errors = new TreeMap<>();
    private final TreeSet<String> metricNames = new TreeSet<>();
    private List<String> catalogNames = List.of();
    private long runs;
    private long failed;
    private long firstSeed = Long.MAX_VALUE;
    private long lastSeed = Long.MIN_VALUE;
    private long failureSeed = Long.MAX_VALUE;
    private String failure;

    public AggregateAccumulator(Configuration configuration, String scenario, Map<String, String> scenarioParameters) {
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.scenario = requireNonNull(scenario, "scenario is null");
        this.scenarioParameters = Maps.sortedCopy(scenarioParameters, "scenario parameters");
    }

    /**
     * Adds one run.
     *
     * @throws IllegalArgumentException if the run is of another configuration or scenario
     */
    public synchronized void add(RunResult result) {
        if (!result.configurationKey().equals(configuration) || !result.scenario().equals(scenario)) {
            throw new IllegalArgumentException("run of " + result.configuration() + " / " + result.scenario()
                    + " added to " + configuration.id() + " / " + scenario);
        }
        runs++;
        firstSeed = Math.min(firstSeed, result.seed());
        lastSeed = Math.max(lastSeed, result.seed());
        if (result.outcome() == Outcome.FAILED) {
            failed++;
            if (result.seed() < failureSeed) {
                failureSeed = result.seed();
                failure = "seed " + result.seed() + ": " + result.failure();
            }
        }
        if (catalogNames.isEmpty()) {
            catalogNames = result.metrics().catalogNames();
        }
        result.metrics().asMap().forEach((name, value) -> {
            metricNames.add(name);
            count(metrics, name, value);
        });
        result.errors().forEach((errno, value) -> count(errors, errno, value));
    }

    private static void count(Map<String, NavigableMap<Long, Long>> histograms, String name, long value) {
        if (value != 0) {
            histograms.computeIfAbsent(name, n -> new TreeMap<>()).merge(value, 1L, Long::sum);
        }
    }

    /** How many runs were added. */
    public synchronized long runs() {
        return runs;
    }

    /**
     * The aggregate of the runs added so far.
     *
     * @throws IllegalStateException if no run was added
     */
    public synchronized Aggregate build() {
        if (runs == 0) {
            throw new IllegalStateException("no run of " + configuration.id() + " / " + scenario);
        }
        Map<String, Stat> stats = new LinkedHashMap<>();
        TreeSet<String> extra = new TreeSet<>(metricNames);
        List<String> known = catalogNames;
        extra.removeAll(known);
        for (String name : known) {
            stats.put(name, Stat.of(metrics.getOrDefault(name, new TreeMap<>()), runs));
        }
        for (String name : extra) {
            stats.put(name, Stat.of(metrics.getOrDefault(name, new TreeMap<>()), runs));
        }
        Map<String, Stat> errorStats = new TreeMap<>();
        errors.forEach((errno, histogram) -> errorStats.put(errno, Stat.of(histogram, runs)));
        return new Aggregate(configuration.arch(), configuration.strategy(), configuration.variant(), scenario,
                scenarioParameters, runs, firstSeed, lastSeed, failed, failure, new TreeMap<>(errorStats), stats);
    }
}
