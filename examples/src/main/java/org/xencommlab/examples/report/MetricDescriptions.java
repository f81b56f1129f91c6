package org.xencommlab.examples.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.examples.report.model.Metrics;

/**
 * One line per metric, as the JSON schema's {@code description} and the HTML's glossary give it:
 * each counter's and gauge's own description, {@code modelledNanos}, and the per-hypercall metrics
 * ({@link Metrics#CALL_PREFIX}).
 */
public final class MetricDescriptions {
    private MetricDescriptions() {}

    /** Every known metric's description, in {@link Metrics#knownNames()} order. */
    public static Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String name : Metrics.knownNames()) {
            all.put(name, of(name).orElseThrow(() -> new IllegalStateException("metric " + name + " has no description")));
        }
        return all;
    }

    /** The description of {@code name}, if it is a metric the lab knows. */
    public static Optional<String> of(String name) {
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
        for (Counter counter : Counter.values()) {
            if (counter.reportName().equals(name)) {
                return Optional.of(counter.description());
            }
        }
        for (Gauge gauge : Gauge.values()) {
            if ((gauge.reportName() + "Peak").equals(name)) {
                return Optional.of("highest level during the run: " + gauge.description());
            }
            if ((gauge.reportName() + "Leaked").equals(name)) {
                return Optional.of("level at the end, after every process exited and the scenario tore down what it"
                        + " made: " + gauge.description() + " left behind");
            }
            if ((gauge.reportName() + "Reserved").equals(name) && Metrics.knownNames().contains(name)) {
                return Optional.of("level at the end that a kernel holds on purpose for its lifetime (such as ppc's"
                        + " device area), not left behind: " + gauge.description());
            }
        }
        return Optional.empty();
    }
}
