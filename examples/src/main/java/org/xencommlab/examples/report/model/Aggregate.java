package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;

/**
 * One configuration on one scenario over all its seeds: how many runs, how many failed, and each
 * count's {@link Stat} over the runs. Failed runs are counted in, with what they measured before
 * they stopped; {@link #outcome} is {@code failed} when any run failed.
 *
 * @param arch the arch plugin's name
 * @param strategy the strategy plugin's name
 * @param variant parameters that differ from their defaults
 * @param scenario the scenario's name
 * @param scenarioParameters every scenario parameter value the runs used
 * @param runs how many seeds ran
 * @param firstSeed the least seed
 * @param lastSeed the greatest seed
 * @param failed how many runs failed
 * @param failure the reason of the failed run with the least seed, {@code seed N: reason}; null if none failed
 * @param errors errno name to its count per run, for errnos some run saw
 * @param metrics every metric's statistics, in {@link Metrics} order
 */
@JsonPropertyOrder({"configuration", "arch", "strategy", "variant", "scenario", "scenarioParameters", "runs",
        "firstSeed", "lastSeed", "outcome", "failed", "failure", "errors", "metrics"})
@JsonIgnoreProperties(value = {"configuration", "outcome"}, allowGetters = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Aggregate(
        String arch,
        String strategy,
        SortedMap<String, String> variant,
        String scenario,
        SortedMap<String, String> scenarioParameters,
        long runs,
        long firstSeed,
        long lastSeed,
        long failed,
        String failure,
        SortedMap<String, Stat> errors,
        Map<String, Stat> metrics) {
    public Aggregate {
        variant = new Configuration(arch, strategy, variant).variant();
        requireNonNull(scenario, "scenario is null");
        scenarioParameters = Maps.sortedCopy(scenarioParameters, "scenario parameters");
        if (runs < 1 || failed < 0 || failed > runs || lastSeed < firstSeed) {
            throw new IllegalArgumentException("bad counts: " + failed + " of " + runs + " runs failed, seeds "
                    + firstSeed + ".." + lastSeed);
        }
        if ((failed == 0) != (failure == null)) {
            throw new IllegalArgumentException("a failure reason goes with failed runs, and only with them");
        }
        errors = Maps.sortedCopy(errors, "errors");
        errors.keySet().forEach(name -> {
            try {
                XenErrno.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown errno '" + name + "' in errors", e);
            }
        });
        requireNonNull(metrics, "metrics is null");
        for (String name : Metrics.REQUIRED) {
            if (!metrics.containsKey(name)) {
                throw new IllegalArgumentException("metric " + name + " is missing");
            }
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The configuration these runs used. */
    public Configuration configurationKey() {
        return new Configuration(arch, strategy, variant);
    }

    /** The configuration's id, written to JSON for readers' convenience. */
    @JsonProperty("configuration")
    public String configuration() {
        return configurationKey().id();
    }

    /** {@code ok} when every run completed, else {@code failed}. */
    @JsonProperty("outcome")
    public Outcome outcome() {
        return failed == 0 ? Outcome.OK : Outcome.FAILED;
    }

    /** The statistics of {@code name}; a constant 0 for a metric these runs did not report. */
    public Stat metric(String name) {
        return metrics.getOrDefault(name, Stat.constant(0));
    }

    /** The median of {@code name}. */
    public double median(String name) {
        return metric(name).median();
    }

    /** The statistics of {@code errno}'s count per run; a constant 0 if no run saw it. */
    public Stat error(String errno) {
        return errors.getOrDefault(errno, Stat.constant(0));
    }

    /** The metric means, as a run's counts: what the cost model prices for the mean modelled time. */
    public Map<String, Double> means() {
        Map<String, Double> means = new TreeMap<>();
        metrics.forEach((name, stat) -> means.put(name, stat.mean()));
        return means;
    }
}
