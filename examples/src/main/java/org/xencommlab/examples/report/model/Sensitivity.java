package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * How one scenario's ranking of configurations by modelled time holds when each per-event cost is
 * scaled on its own (the others at their values), from {@code compare --sensitivity}. Configurations
 * are ranked by their mean modelled time; the model is linear in the counts, so the mean under a
 * scaled cost is exact from the mean counts. Configurations with a failed run are not ranked.
 *
 * @param scenario the scenario
 * @param factors the factors every cost was scaled by
 * @param ranking the configurations' ids, cheapest first, at the report's cost model
 * @param changes each (cost, factor) that changes the ranking, in cost then factor order
 * @param verdict one line: whether the ranking and its cheapest configuration hold, and which costs decide it
 */
@JsonPropertyOrder({"scenario", "factors", "ranking", "changes", "verdict"})
public record Sensitivity(String scenario, List<Double> factors, List<String> ranking, List<Change> changes,
        String verdict) {
    public Sensitivity {
        requireNonNull(scenario, "scenario is null");
        factors = List.copyOf(factors);
        ranking = List.copyOf(ranking);
        changes = List.copyOf(changes);
        requireNonNull(verdict, "verdict is null");
    }

    /**
     * A scaled cost under which the ranking differs.
     *
     * @param cost the cost's key ({@code swapInNanos})
     * @param factor what it was multiplied by
     * @param cheapest the cheapest configuration then
     * @param ranking the whole ranking then, cheapest first
     */
    @JsonPropertyOrder({"cost", "factor", "cheapest", "ranking"})
    public record Change(String cost, double factor, String cheapest, List<String> ranking) {
        public Change {
            requireNonNull(cost, "cost is null");
            requireNonNull(cheapest, "cheapest is null");
            ranking = List.copyOf(ranking);
        }
    }
}
