package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.SortedMap;

/**
 * How costs grow with size: one scenario run at several values of one of its parameters (buffer
 * pages, balloon pages), on each configuration, with the scenario's other parameters fixed.
 *
 * <p>The lab fills it so: for each configuration, for each value in {@code values} (ascending), run
 * {@code scenario} with {@code parameter=value} and {@code seed}, and add a {@link SweepPoint} with
 * the run's metrics to that configuration's {@link SweepSeries}.
 *
 * @param scenario the scenario run
 * @param parameter the scenario parameter varied ({@code pages})
 * @param values the values it took, strictly ascending
 * @param fixedParameters the scenario's other parameters, fixed for the whole sweep
 * @param seed the seed of every run of the sweep
 * @param series one per configuration, each with one point per value, in {@code values} order
 */
@JsonPropertyOrder({"scenario", "parameter", "values", "fixedParameters", "seed", "series"})
public record SizeSweep(
        String scenario,
        String parameter,
        List<Long> values,
        SortedMap<String, String> fixedParameters,
        long seed,
        List<SweepSeries> series) {
    public SizeSweep {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(parameter, "parameter is null");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("sweep of " + scenario + "." + parameter + " has no values");
        }
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) <= values.get(i - 1)) {
                throw new IllegalArgumentException("sweep values must be strictly ascending: " + values);
            }
        }
        fixedParameters = Maps.sortedCopy(fixedParameters, "fixed parameters");
        if (fixedParameters.containsKey(parameter)) {
            throw new IllegalArgumentException("swept parameter " + parameter + " is also fixed");
        }
        series = List.copyOf(series);
        for (SweepSeries s : series) {
            List<Long> at = s.points().stream().map(SweepPoint::value).toList();
            if (!at.equals(values)) {
                throw new IllegalArgumentException("series " + s.configurationKey().id() + " has points at " + at
                        + ", the sweep's values are " + values);
            }
        }
    }

    /** The {@code scenario.parameter} name of the sweep, for titles and ids. */
    public String name() {
        return scenario + "." + parameter;
    }
}
