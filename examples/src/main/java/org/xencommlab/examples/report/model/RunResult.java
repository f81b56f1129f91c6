package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.examples.cost.CostModel;

/**
 * What one run of one scenario on one configuration with one seed measured.
 *
 * @param arch the arch plugin's name
 * @param strategy the strategy plugin's name
 * @param variant parameters that differ from their defaults, by name; empty if none
 * @param scenario the scenario's name
 * @param scenarioParameters every scenario parameter value the run used, by name
 * @param seed the run's seed
 * @param outcome whether the run completed
 * @param failure for a failed run, one line saying why; null for an ok run
 * @param errors failures callers saw during the run, by Xen errno name ({@code EFAULT}), count &gt; 0;
 *     an ok run may have some (a retried -EFAULT)
 * @param metrics the run's counts and modelled time
 */
@JsonPropertyOrder({"configuration", "arch", "strategy", "variant", "scenario", "scenarioParameters", "seed",
        "outcome", "failure", "errors", "metrics"})
@JsonIgnoreProperties(value = "configuration", allowGetters = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunResult(
        String arch,
        String strategy,
        SortedMap<String, String> variant,
        String scenario,
        SortedMap<String, String> scenarioParameters,
        long seed,
        Outcome outcome,
        String failure,
        SortedMap<String, Long> errors,
        Metrics metrics) {
    public RunResult {
        Configuration check = new Configuration(arch, strategy, variant);
        variant = check.variant();
        requireNonNull(scenario, "scenario is null");
        scenarioParameters = Maps.sortedCopy(scenarioParameters, "scenario parameters");
        requireNonNull(outcome, "outcome is null");
        if (outcome == Outcome.OK) {
            if (failure != null) {
                throw new IllegalArgumentException("an ok run has no failure reason: " + failure);
            }
        } else {
            failure = failure == null ? "" : failure.strip().lines().findFirst().orElse("").strip();
            if (failure.isEmpty()) {
                throw new IllegalArgumentException("a failed run needs a one-line reason");
            }
        }
        errors = canonicalErrors(errors);
        requireNonNull(metrics, "metrics is null");
    }

    /** A completed run, measured from {@code run} and priced with {@code costModel}. */
    public static RunResult ok(Configuration configuration, String scenario, Map<String, String> scenarioParameters,
            long seed, RunMetrics run, CostModel costModel) {
        return of(configuration, scenario, scenarioParameters, seed, null, run, costModel);
    }

    /** A run that could not complete, with what it had measured by then. */
    public static RunResult failed(Configuration configuration, String scenario, Map<String, String> scenarioParameters,
            long seed, String failure, RunMetrics run, CostModel costModel) {
        return of(configuration, scenario, scenarioParameters, seed, requireNonNull(failure, "failure is null"), run,
                costModel);
    }

    private static RunResult of(Configuration configuration, String scenario, Map<String, String> scenarioParameters,
            long seed, String failure, RunMetrics run, CostModel costModel) {
        Map<String, Long> errors = new TreeMap<>();
        run.errors().forEach((errno, count) -> errors.put(errno.name(), count));
        return new RunResult(configuration.arch(), configuration.strategy(), configuration.variant(), scenario,
                Maps.sortedCopy(scenarioParameters, "scenario parameters"), seed,
                failure == null ? Outcome.OK : Outcome.FAILED, failure, Maps.sortedCopy(errors, "errors"),
                Metrics.measured(run, costModel));
    }

    /** The configuration this run used. */
    public Configuration configurationKey() {
        return new Configuration(arch, strategy, variant);
    }

    /** The configuration's id ({@link Configuration#id()}), written to JSON for readers' convenience. */
    @JsonProperty("configuration")
    public String configuration() {
        return configurationKey().id();
    }

    /** How often {@code errno} was seen. */
    public long errorCount(String errno) {
        return errors.getOrDefault(errno, 0L);
    }

    private static SortedMap<String, Long> canonicalErrors(Map<String, Long> errors) {
        SortedMap<String, Long> copy = new TreeMap<>();
        Maps.sortedCopy(errors, "errors").forEach((name, count) -> {
            try {
                XenErrno.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown errno '" + name + "' in errors", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException("negative count for " + name + ": " + count);
            }
            if (count > 0) {
                copy.put(name, count);
            }
        });
        return java.util.Collections.unmodifiableSortedMap(copy);
    }
}
