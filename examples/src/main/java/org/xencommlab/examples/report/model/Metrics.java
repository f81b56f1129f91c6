package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.cost.MetricCatalog;

/**
 * The exact counts of one run by report name, in the order of a {@link MetricCatalog} (the core's
 * and the loaded plugins' counters and gauges; see there for the order): every name the catalog
 * knows, then any further name a lab adds, alphabetically. Every known name is always present (0
 * when nothing happened), so nothing measured is dropped and every report has the same columns.
 * Values are never negative.
 *
 * <p>Names: each {@link Counter} by its name; each {@link Gauge} as {@code <name>Peak} (highest
 * level during the run) and {@code <name>Leaked} (level at the end of the run, after every process
 * exited, less what kernels hold on purpose as long-lived reservations: whatever is left was left
 * behind); a reservable gauge also as {@code <name>Reserved} (what kernels hold on purpose at the
 * end, such as ppc's registered device area); and {@code modelledNanos} from the {@link CostModel}.
 */
public final class Metrics {
    /**
     * The names every report holds whatever plugins are loaded (the schema requires them): the
     * core's headline metrics, in report order.
     */
    public static final List<String> REQUIRED = MetricCatalog.core().required();

    public static final String MODELLED_NANOS = MetricCatalog.MODELLED_NANOS;

    /**
     * The prefix of the per-hypercall metrics: {@code hypercall.<name>[.<sub-op>].calls},
     * {@code .entries} and {@code .modelledNanos}, what the machine counted while such calls ran.
     */
    public static final String CALL_PREFIX = "hypercall.";

    private final Map<String, Long> values;
    private final List<String> catalogNames;

    private Metrics(Map<String, Long> values, List<String> catalogNames) {
        this.values = values;
        this.catalogNames = catalogNames;
    }

    /**
     * Metrics from a report: every {@link #REQUIRED} name must be present; known names that are
     * absent are 0; values are non-negative.
     *
     * @throws IllegalArgumentException naming the missing or bad metric
     */
    @JsonCreator
    public static Metrics of(Map<String, Long> values) {
        requireNonNull(values, "values is null");
        for (String name : REQUIRED) {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("metric " + name + " is missing");
            }
        }
        Builder builder = builder();
        values.forEach(builder::set);
        return builder.buildAsIs();
    }

    /**
     * Everything {@code run} counted, priced with {@code costModel}. Call it after the scenario
     * has torn everything down, so a gauge's current level is what was left behind.
     */
    public static Metrics measured(RunMetrics run, CostModel costModel) {
        return builder(costModel.catalog()).from(run).build(costModel);
    }

    /** A builder with every metric of the class-path catalog at 0. */
    public static Builder builder() {
        return builder(MetricCatalog.classPath());
    }

    /** A builder with every metric of {@code catalog} at 0. */
    public static Builder builder(MetricCatalog catalog) {
        return new Builder(catalog);
    }

    /** Every name the class-path catalog knows, in report order ({@link MetricCatalog#knownNames()}). */
    public static List<String> knownNames() {
        return MetricCatalog.classPath().knownNames();
    }

    /** The value of {@code name}. */
    public long get(String name) {
        Long value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("unknown metric " + name + "; known: " + String.join(", ", values.keySet()));
        }
        return value;
    }

    /** The value of {@code name}, 0 for a name this report does not hold. */
    public long getOrZero(String name) {
        return values.getOrDefault(name, 0L);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public long modelledNanos() {
        return get(MODELLED_NANOS);
    }

    /** All metrics in report order; unmodifiable. */
    @JsonValue
    public Map<String, Long> asMap() {
        return values;
    }

    /**
     * The names of the catalog these metrics were made with, in its report order: every report of
     * one lab has them all, first; any other name of {@link #names()} follows them.
     */
    public List<String> catalogNames() {
        return catalogNames;
    }

    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metrics other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Collects counts; {@link #build(CostModel)} adds {@code modelledNanos}. Not thread-safe. */
    public static final class Builder {
        private final MetricCatalog catalog;
        private final Map<String, Long> known = new LinkedHashMap<>();
        private final Map<String, Long> extra = new TreeMap<>();
        private final Map<String, Map<String, Long>> calls = new TreeMap<>();

        private Builder(MetricCatalog catalog) {
            this.catalog = requireNonNull(catalog, "catalog is null");
            catalog.knownNames().forEach(name -> known.put(name, 0L));
        }

        /** Sets {@code name} to {@code value}; a name not known is kept as an extra metric. */
        public Builder set(String name, long value) {
            requireNonNull(name, "name is null");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("metric name is empty");
            }
            if (value < 0) {
                throw new IllegalArgumentException("metric " + name + " is negative: " + value);
            }
            if (known.containsKey(name)) {
                known.put(name, value);
            } else {
                extra.put(name, value);
            }
            return this;
        }

        /**
         * Takes every counter, every gauge's peak and its current level as "leaked".
         *
         * @throws IllegalStateException if a gauge ended below zero (an accounting bug), or the run
         *     counted a counter or moved a gauge the catalog does not hold (a plugin that forgot to
         *     declare it in {@code metrics()}: its counts would otherwise be lost)
         */
        public Builder from(RunMetrics run) {
            requireNonNull(run, "run is null");
            for (Counter counter : run.counted()) {
                if (!catalog.counters().contains(counter)) {
                    throw new IllegalStateException("the run counted '" + counter.name()
                            + "', which no loaded plugin declares in metrics()");
                }
            }
            for (Gauge gauge : run.moved()) {
                if (!catalog.gauges().contains(gauge)) {
                    throw new IllegalStateException("the run moved gauge '" + gauge.name()
                            + "', which no loaded plugin declares in metrics()");
                }
            }
            for (Counter counter : catalog.counters()) {
                set(counter.name(), run.get(counter));
            }
            for (Gauge gauge : catalog.gauges()) {
                set(gauge.name() + "Peak", run.peak(gauge));
                long end = run.current(gauge);
                if (end < 0) {
                    // Released more than was taken: an accounting bug in the machine, never hidden.
                    throw new IllegalStateException("gauge " + gauge.name() + " ended the run at " + end
                            + ": more was released than taken");
                }
                long reserved = run.reserved(gauge);
                if (reserved < 0 || reserved > end) {
                    throw new IllegalStateException("gauge " + gauge.name() + " ended the run at " + end
                            + " with " + reserved + " of it marked as kernel reservations");
                }
                set(gauge.name() + "Leaked", end - reserved);
                if (gauge.reservable()) {
                    set(gauge.name() + "Reserved", reserved);
                }
            }
            run.calls().forEach((key, counts) -> {
                Map<String, Long> byName = calls.computeIfAbsent(callName(key.op(), key.subOp()), k -> new TreeMap<>());
                counts.forEach((counter, n) -> byName.merge(counter.name(), n, Long::sum));
            });
            return this;
        }

        public long get(String name) {
            Long value = known.containsKey(name) ? known.get(name) : extra.get(name);
            return value == null ? 0 : value;
        }

        /** The metrics with {@code modelledNanos} computed by {@code costModel} from the others. */
        public Metrics build(CostModel costModel) {
            requireNonNull(costModel, "costModel is null");
            known.put(MODELLED_NANOS, costModel.modelledNanos(this::get));
            calls.forEach((name, counts) -> {
                set(CALL_PREFIX + name + ".calls", counts.getOrDefault(Counter.HYPERCALLS.reportName(), 0L));
                set(CALL_PREFIX + name + ".entries", counts.getOrDefault(Counter.HYPERVISOR_ENTRIES.reportName(), 0L));
                set(CALL_PREFIX + name + ".modelledNanos", costModel.modelledNanos(m -> counts.getOrDefault(m, 0L)));
            });
            return buildAsIs();
        }

        /** The metrics as set, {@code modelledNanos} included (as read back from a report). */
        public Metrics buildAsIs() {
            Map<String, Long> all = new LinkedHashMap<>(known);
            all.putAll(extra);
            return new Metrics(Collections.unmodifiableMap(all), catalog.knownNames());
        }
    }

    /** {@code memory_op.decrease_reservation}, {@code console_io.write}, {@code multicall}, {@code arch_1.3}. */
    static String callName(int op, int subOp) {
        String name = org.xencommlab.api.hypercall.HypercallNumber.name(op);
        if (subOp < 0) {
            return name;
        }
        String sub = switch (name) {
            case "memory_op" -> switch (subOp) {
                case 0 -> "increase_reservation";
                case 1 -> "decrease_reservation";
                case 6 -> "populate_physmap";
                default -> "cmd" + subOp;
            };
            case "console_io" -> switch (subOp) {
                case 0 -> "write";
                case 1 -> "read";
                default -> "cmd" + subOp;
            };
            default -> "cmd" + subOp;
        };
        return name + "." + sub;
    }
}
