package org.xencommlab.examples.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.examples.cost.MetricCatalog;
import org.xencommlab.examples.report.model.Metrics;

/**
 * One line per metric, as the JSON schema's {@code description} and the HTML's glossary give it:
 * each counter's and gauge's own description (the core's and those plugins declare, from a
 * {@link MetricCatalog}), {@code modelledNanos}, and the per-hypercall metrics
 * ({@link Metrics#CALL_PREFIX}).
 */
public final class MetricDescriptions {
    private MetricDescriptions() {}

    /** Every metric's description of the class-path catalog, in its report order. */
    public static Map<String, String> all() {
        return all(MetricCatalog.classPath());
    }

    /** Every metric's description of {@code catalog}, in its report order. */
    public static Map<String, String> all(MetricCatalog catalog) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String name : catalog.knownNames()) {
            all.put(name, of(catalog, name).orElseThrow(() -> new IllegalStateException("metric " + name + " has no description")));
        }
        return all;
    }

    /** The description of {@code name}, if the class-path catalog knows it. */
    public static Optional<String> of(String name) {
        return of(MetricCatalog.classPath(), name);
    }

    /** The description of {@code name}, if it is a metric {@code catalog} knows. */
    public static Optional<String> of(MetricCatalog catalog, String name) {
        if (name.startsWith(Metrics.CALL_PREFIX)) {
            String call = name.substring(Metrics.CALL_PREFIX.length(), name.lastIndexOf('.'));
            String what = name.substring(name.lastIndexOf('.') + 1);
            return switch (what) {
                case "calls" -> Optional.of("hypercalls of " + call + " issued (continuations not included)");
                case "entries" -> Optional.of("hypervisor entries of " + call + " calls, continuations included");
                case "modelledNanos" -> Optional.of("modelled ns of what the machine counted while " + call
                        + " calls ran, their entries included");
                default -> Optional.empty();
            };
        }
        if (name.equals(Metrics.MODELLED_NANOS)) {
            return Optional.of("the cost model's estimate of the run's time in ns, from the counts (docs/cost-model.md)");
        }
        Optional<MetricDefinition> definition = catalog.definition(name);
        if (definition.isEmpty()) {
            return Optional.empty();
        }
        if (definition.get() instanceof Counter counter) {
            return Optional.of(counter.description());
        }
        Gauge gauge = (Gauge) definition.get();
        if ((gauge.name() + "Peak").equals(name)) {
            return Optional.of("highest level during the run: " + gauge.description());
        }
        if ((gauge.name() + "Leaked").equals(name)) {
            return Optional.of("level at the end, after every process exited and the scenario tore down what it"
                    + " made: " + gauge.description() + " left behind");
        }
        return Optional.of("level at the end that a kernel holds on purpose for its lifetime (such as ppc's"
                + " device area), not left behind: " + gauge.description());
    }
}
