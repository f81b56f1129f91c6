package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.Aggregate;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.Sensitivity;

/**
 * {@code compare --sensitivity}: re-prices every scenario's completed configurations with each
 * per-event cost scaled by each factor, the other costs as they are, and reports whether the
 * ranking by mean modelled time changes and under which cost. No run is repeated: the model is
 * linear in the counts, so the mean time under a scaled cost follows exactly from the mean counts.
 * A bandwidth is scaled too (x4 means four times faster copies).
 */
public final class Sensitivities {
    /** The factors {@code --sensitivity} tries by default. */
    public static final List<Double> DEFAULT_FACTORS = List.of(0.25, 0.5, 2.0, 4.0);

    /** Modelled times closer than this fraction count as a tie, whose order no cost decides. */
    static final double TIE = 1e-9;

    private Sensitivities() {}

    /** One {@link Sensitivity} per scenario with at least two completed configurations. */
    public static List<Sensitivity> of(ComparisonReport report, List<Double> factors) {
        requireNonNull(report, "report is null");
        for (double factor : factors) {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("a sensitivity factor must be a positive number, not " + factor);
            }
        }
        CostModel model = report.costModel();
        List<Sensitivity> result = new ArrayList<>();
        for (ScenarioInfo scenario : report.scenarios()) {
            List<Aggregate> ok = report.aggregatesOf(scenario.name()).stream()
                    .filter(a -> a.outcome() == Outcome.OK).toList();
            if (ok.size() < 2) {
                continue;
            }
            List<String> baseline = ranking(ok, model);
            List<Sensitivity.Change> changes = new ArrayList<>();
            Set<String> deciding = new LinkedHashSet<>();
            Set<String> decidingCheapest = new LinkedHashSet<>();
            for (CostDefinition event : model.catalog().costs()) {
                for (double factor : factors) {
                    CostModel scaled = model.with(event, model.value(event) * factor,
                            model.source() + ", " + event.key() + " x" + factor);
                    List<String> ranking = ranking(ok, scaled);
                    if (!ranking.equals(baseline)) {
                        changes.add(new Sensitivity.Change(event.key(), factor, ranking.get(0), ranking));
                        deciding.add(event.key());
                        if (!ranking.get(0).equals(baseline.get(0))) {
                            decidingCheapest.add(event.key() + " x" + Numbers.cost(factor) + " makes "
                                    + ranking.get(0) + " cheapest");
                        }
                    }
                }
            }
            String range = "x" + Numbers.cost(factors.stream().min(Double::compare).orElse(1.0)) + "..x"
                    + Numbers.cost(factors.stream().max(Double::compare).orElse(1.0));
            String verdict;
            if (changes.isEmpty()) {
                verdict = "the ranking holds under every cost " + range + "; cheapest " + baseline.get(0) + ".";
            } else if (decidingCheapest.isEmpty()) {
                verdict = "cheapest " + baseline.get(0) + " under every cost " + range + "; the order below it"
                        + " changes with " + String.join(", ", deciding) + ".";
            } else {
                verdict = "cheapest " + baseline.get(0) + " at the model's costs, but " + String.join("; ", decidingCheapest)
                        + ".";
            }
            result.add(new Sensitivity(scenario.name(), factors, baseline, changes, verdict));
        }
        return result;
    }

    /** Configuration ids by mean modelled time under {@code model}, cheapest first; ties keep report order. */
    static List<String> ranking(List<Aggregate> aggregates, CostModel model) {
        record Priced(int order, String id, double nanos) {}
        List<Priced> priced = new ArrayList<>();
        for (int i = 0; i < aggregates.size(); i++) {
            Aggregate a = aggregates.get(i);
            priced.add(new Priced(i, a.configuration(), model.modelledNanosOf(name -> a.metric(name).mean())));
        }
        priced.sort((x, y) -> {
            double scale = Math.max(Math.abs(x.nanos()), Math.abs(y.nanos()));
            if (Math.abs(x.nanos() - y.nanos()) <= TIE * scale) {
                return Integer.compare(x.order(), y.order());
            }
            return Double.compare(x.nanos(), y.nanos());
        });
        return priced.stream().map(Priced::id).collect(Collectors.toList());
    }
}
