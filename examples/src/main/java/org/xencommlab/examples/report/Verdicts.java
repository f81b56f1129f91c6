package org.xencommlab.examples.report;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.ScenarioInfo;

/** The verdict matrix's facts, shared by the table and the HTML: which aggregate is where, and the cheapest. */
final class Verdicts {
    private Verdicts() {}

    /** The aggregate of {@code configuration} on {@code scenario}, if it ran. */
    static Optional<Aggregate> of(ComparisonReport report, Configuration configuration, String scenario) {
        return report.aggregatesOf(scenario).stream().filter(a -> a.configurationKey().equals(configuration)).findFirst();
    }

    /**
     * Per scenario, the completed configuration with the least median modelled time (the first in
     * report order on a tie); a scenario where nothing completed has none.
     */
    static Map<String, Configuration> cheapest(ComparisonReport report) {
        Map<String, Configuration> cheapest = new LinkedHashMap<>();
        for (ScenarioInfo scenario : report.scenarios()) {
            report.aggregatesOf(scenario.name()).stream().filter(a -> a.outcome() == Outcome.OK)
                    .min(Comparator.comparingDouble(a -> a.median(Metrics.MODELLED_NANOS)))
                    .ifPresent(a -> cheapest.put(scenario.name(), a.configurationKey()));
        }
        return cheapest;
    }
}
