package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.SortedSet;
import java.util.TreeSet;
import org.xencommlab.api.errno.XenErrno;

/**
 * Folds the runs of one configuration x scenario into an {@link Aggregate} as they finish, so a
 * comparison need not keep every run. It keeps, per metric and per errno, each distinct non-zero
 * value with how many runs had it: a count that does not vary with the seed costs one entry
 * however many seeds run. Thread-safe; the result does not depend on the order runs are added.
 *
 * <p>Its {@link #state() state} is what a shard file carries; accumulators of disjoint sets of
 * runs {@link #merge merge} by summing their counts, so a comparison split into shards folds to
 * the same aggregate as one run of it.
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

    /**
     * Adds the runs {@code other} folded: counts are summed, the seed range widened, and the
     * failure with the least seed kept, so the result is as if every run had been added here.
     *
     * @throws IllegalArgumentException if {@code other} is of another configuration, scenario or
     *     scenario parameters, or holds runs of another metric catalog
     */
    public void merge(AggregateAccumulator other) {
        requireNonNull(other, "other is null");
        if (other == this) {
            throw new IllegalArgumentException("an accumulator cannot be merged into itself");
        }
        FoldedRuns theirs = other.state();
        List<String> theirCatalog = other.catalogNames();
        synchronized (this) {
            if (!theirs.configurationKey().equals(configuration) || !theirs.scenario().equals(scenario)
                    || !theirs.scenarioParameters().equals(scenarioParameters)) {
                throw new IllegalArgumentException("runs of " + theirs.configurationKey().id() + " / "
                        + theirs.scenario() + " " + theirs.scenarioParameters() + " merged into " + configuration.id()
                        + " / " + scenario + " " + scenarioParameters);
            }
            if (theirs.runs() == 0) {
                return;
            }
            if (!catalogNames.isEmpty() && !theirCatalog.equals(catalogNames)) {
                throw new IllegalArgumentException("runs of " + configuration.id() + " / " + scenario
                        + " were measured with another metric catalog");
            }
            if (catalogNames.isEmpty()) {
                catalogNames = theirCatalog;
            }
            runs = Math.addExact(runs, theirs.runs());
            failed = Math.addExact(failed, theirs.failed());
            firstSeed = Math.min(firstSeed, theirs.firstSeed());
            lastSeed = Math.max(lastSeed, theirs.lastSeed());
            if (theirs.failed() > 0 && theirs.failureSeed() < failureSeed) {
                failureSeed = theirs.failureSeed();
                failure = theirs.failure();
            }
            metricNames.addAll(theirs.metricNames());
            sum(metrics, theirs.metrics());
            sum(errors, theirs.errors());
        }
    }

    private static void sum(Map<String, NavigableMap<Long, Long>> into, Map<String, SortedMap<Long, Long>> from) {
        from.forEach((name, histogram) -> {
            NavigableMap<Long, Long> target = into.computeIfAbsent(name, n -> new TreeMap<>());
            histogram.forEach((value, count) -> target.merge(value, count, Math::addExact));
        });
    }

    private synchronized List<String> catalogNames() {
        return catalogNames;
    }

    /** What this accumulator holds, to be written to a shard file and {@link #restore restored}. */
    public synchronized FoldedRuns state() {
        SortedMap<String, SortedMap<Long, Long>> metricCopy = new TreeMap<>();
        metrics.forEach((name, histogram) -> metricCopy.put(name, new TreeMap<>(histogram)));
        SortedMap<String, SortedMap<Long, Long>> errorCopy = new TreeMap<>();
        errors.forEach((name, histogram) -> errorCopy.put(name, new TreeMap<>(histogram)));
        return new FoldedRuns(configuration.arch(), configuration.strategy(), configuration.variant(), scenario,
                scenarioParameters, runs, failed, runs == 0 ? null : firstSeed, runs == 0 ? null : lastSeed,
                failed == 0 ? null : failureSeed, failure, new TreeSet<>(metricNames), metricCopy, errorCopy);
    }

    /**
     * An accumulator holding {@code state}, whose runs were measured with a catalog of
     * {@code catalogNames} (in report order).
     */
    public static AggregateAccumulator restore(FoldedRuns state, List<String> catalogNames) {
        requireNonNull(state, "state is null");
        requireNonNull(catalogNames, "catalogNames is null");
        AggregateAccumulator accumulator = new AggregateAccumulator(state.configurationKey(), state.scenario(),
                state.scenarioParameters());
        if (state.runs() == 0) {
            return accumulator;
        }
        if (catalogNames.isEmpty()) {
            throw new IllegalArgumentException("runs measured with an empty metric catalog");
        }
        accumulator.catalogNames = List.copyOf(catalogNames);
        accumulator.runs = state.runs();
        accumulator.failed = state.failed();
        accumulator.firstSeed = state.firstSeed();
        accumulator.lastSeed = state.lastSeed();
        if (state.failed() > 0) {
            accumulator.failureSeed = state.failureSeed();
            accumulator.failure = state.failure();
        }
        accumulator.metricNames.addAll(state.metricNames());
        sum(accumulator.metrics, state.metrics());
        sum(accumulator.errors, state.errors());
        return accumulator;
    }

    /**
     * The folded runs of one configuration x scenario, as a shard file holds them: per metric and
     * per errno, each non-zero value with how many runs had it.
     *
     * @param arch the arch plugin's name
     * @param strategy the strategy plugin's name
     * @param variant parameters that differ from their defaults
     * @param scenario the scenario's name
     * @param scenarioParameters every scenario parameter value the runs used
     * @param runs how many runs were folded (0 for a shard that ran none of them)
     * @param failed how many of them failed
     * @param firstSeed the least seed; null when no run was folded
     * @param lastSeed the greatest seed; null when no run was folded
     * @param failureSeed the least seed of a failed run; null when none failed
     * @param failure that run's reason, {@code seed N: reason}; null when none failed
     * @param metricNames every metric name a run reported (a name may have only zero values)
     * @param metrics metric name to its non-zero values, each with how many runs had it
     * @param errors errno name to its non-zero counts per run, each with how many runs had it
     */
    @JsonPropertyOrder({"arch", "strategy", "variant", "scenario", "scenarioParameters", "runs", "failed",
            "firstSeed", "lastSeed", "failureSeed", "failure", "metricNames", "metrics", "errors"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record FoldedRuns(String arch, String strategy, SortedMap<String, String> variant, String scenario,
            SortedMap<String, String> scenarioParameters, long runs, long failed, Long firstSeed, Long lastSeed,
            Long failureSeed, String failure, SortedSet<String> metricNames,
            SortedMap<String, SortedMap<Long, Long>> metrics, SortedMap<String, SortedMap<Long, Long>> errors) {
        /**
         * @throws IllegalArgumentException naming what does not add up
         */
        public FoldedRuns {
            variant = new Configuration(arch, strategy, variant).variant();
            requireNonNull(scenario, "scenario is null");
            scenarioParameters = Maps.sortedCopy(scenarioParameters, "scenario parameters");
            requireNonNull(metricNames, "metricNames is null");
            metricNames = Collections.unmodifiableSortedSet(new TreeSet<>(metricNames));
            requireNonNull(metrics, "metrics is null");
            requireNonNull(errors, "errors is null");
            String where = Configuration.of(arch, strategy, variant).id() + " / " + scenario;
            if (runs < 0 || failed < 0 || failed > runs) {
                throw new IllegalArgumentException(where + ": bad counts: " + failed + " of " + runs + " runs failed");
            }
            if (runs == 0) {
                if (firstSeed != null || lastSeed != null || failureSeed != null || failure != null
                        || !metricNames.isEmpty() || !metrics.isEmpty() || !errors.isEmpty()) {
                    throw new IllegalArgumentException(where + ": no runs, yet seeds, a failure or values");
                }
            } else {
                if (firstSeed == null || lastSeed == null || lastSeed < firstSeed) {
                    throw new IllegalArgumentException(where + ": bad seed range " + firstSeed + ".." + lastSeed);
                }
                if (metricNames.isEmpty()) {
                    throw new IllegalArgumentException(where + ": runs without metric names");
                }
            }
            if ((failed == 0) != (failure == null) || (failed == 0) != (failureSeed == null)) {
                throw new IllegalArgumentException(where + ": a failure and its seed go with failed runs, and only with them");
            }
            if (failed > 0) {
                if (failureSeed < firstSeed || failureSeed > lastSeed) {
                    throw new IllegalArgumentException(where + ": failure seed " + failureSeed + " outside the runs' seeds");
                }
                if (!failure.startsWith("seed " + failureSeed + ": ")) {
                    throw new IllegalArgumentException(where + ": the failure does not name its seed " + failureSeed);
                }
            }
            metrics = histograms(metrics, runs, where + ": metric ");
            errors = histograms(errors, runs, where + ": errno ");
            for (String name : metrics.keySet()) {
                if (!metricNames.contains(name)) {
                    throw new IllegalArgumentException(where + ": metric " + name + " has values but is not named");
                }
            }
            for (String name : errors.keySet()) {
                try {
                    XenErrno.valueOf(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": unknown errno '" + name + "'", e);
                }
            }
        }

        /** The configuration these runs used. */
        public Configuration configurationKey() {
            return new Configuration(arch, strategy, variant);
        }

        private static SortedMap<String, SortedMap<Long, Long>> histograms(
                Map<String, SortedMap<Long, Long>> histograms, long runs, String what) {
            SortedMap<String, SortedMap<Long, Long>> copy = new TreeMap<>();
            histograms.forEach((name, histogram) -> {
                requireNonNull(name, () -> what + "name is null");
                requireNonNull(histogram, () -> what + name + " has no values");
                if (histogram.isEmpty()) {
                    throw new IllegalArgumentException(what + name + " has an empty list of values");
                }
                long counted = 0;
                SortedMap<Long, Long> values = new TreeMap<>();
                for (Map.Entry<Long, Long> entry : histogram.entrySet()) {
                    Long value = requireNonNull(entry.getKey(), () -> what + name + " has a null value");
                    Long count = requireNonNull(entry.getValue(), () -> what + name + " has a null count");
                    if (value <= 0 || count <= 0) {
                        throw new IllegalArgumentException(what + name + ": value " + value + " counted " + count
                                + " times (values and counts are above 0)");
                    }
                    if (count > runs - counted) {
                        throw new IllegalArgumentException(what + name + ": more values than the " + runs + " runs");
                    }
                    counted += count;
                    values.put(value, count);
                }
                copy.put(name, Collections.unmodifiableSortedMap(values));
            });
            return Collections.unmodifiableSortedMap(copy);
        }
    }
}
