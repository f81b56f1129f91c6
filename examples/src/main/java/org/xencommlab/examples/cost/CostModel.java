package org.xencommlab.examples.cost;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.xencommlab.api.metrics.CostDefinition;

/**
 * Per-event costs that turn a run's exact counts into a modelled time: a value for every cost
 * event of one {@link MetricCatalog} (the core's and the loaded plugins'). Immutable.
 *
 * <p>The formula (docs/cost-model.md):
 * <pre>
 * modelledNanos = round( sum over ns-per-event e of  count(e) * nanos(e)
 *                        + sum over bandwidths b of  count(b) / gigabytesPerSecond(b) )
 * </pre>
 * where {@code count(e)} is the sum of the counters {@link CostDefinition#counters()} names. The
 * terms are added in the catalog's cost order, so the result is the same on every run.
 *
 * <p>Usage: {@code CostModel.defaults()}, or {@link CostModelLoader#load} for a user's file.
 */
@JsonPropertyOrder({"source", "costs"})
public final class CostModel {
    private final String source;
    private final MetricCatalog catalog;
    private final Map<String, Double> values;

    private CostModel(String source, MetricCatalog catalog, Map<String, Double> values) {
        this.source = requireNonNull(source, "source is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        for (String key : values.keySet()) {
            if (catalog.cost(key).isEmpty()) {
                throw new IllegalArgumentException("unknown cost '" + key + "'; valid: " + catalog.validKeys());
            }
        }
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (CostDefinition event : catalog.costs()) {
            Double value = values.get(event.key());
            if (value == null) {
                throw new IllegalArgumentException("no value for " + event.key());
            }
            if (!event.accepts(value)) {
                throw new IllegalArgumentException(
                        "bad value " + value + " for " + event.key() + "; valid: " + event.describeValid());
            }
            ordered.put(event.key(), value);
        }
        this.values = Collections.unmodifiableMap(ordered);
    }

    /** The documented defaults of the class-path catalog ({@link MetricCatalog#classPath()}). */
    public static CostModel defaults() {
        return Defaults.MODEL;
    }

    /** The documented defaults of every cost in {@code catalog}. */
    public static CostModel defaults(MetricCatalog catalog) {
        Map<String, Double> values = new LinkedHashMap<>();
        catalog.costs().forEach(event -> values.put(event.key(), event.defaultValue()));
        return new CostModel("defaults", catalog, values);
    }

    private static final class Defaults {
        static final CostModel MODEL = defaults(MetricCatalog.classPath());
    }

    /** This model with {@code event} set to {@code value}, and {@code source} describing where it came from. */
    public CostModel with(CostDefinition event, double value, String newSource) {
        if (!event.accepts(value)) {
            throw new IllegalArgumentException(
                    "bad value " + value + " for " + event.key() + "; valid: " + event.describeValid());
        }
        Map<String, Double> changed = new LinkedHashMap<>(values);
        changed.put(event.key(), value);
        return new CostModel(newSource, catalog, changed);
    }

    /**
     * Recreates a model from a report's {@code costModel} object, against the class-path catalog.
     *
     * @throws IllegalArgumentException naming an unknown key, a missing key or a bad value
     */
    @JsonCreator
    public static CostModel of(@JsonProperty("source") String source, @JsonProperty("costs") Map<String, Double> costs) {
        return of(source, costs, MetricCatalog.classPath());
    }

    /**
     * Recreates a model of {@code catalog}'s costs.
     *
     * @throws IllegalArgumentException naming an unknown key, a missing key or a bad value
     */
    public static CostModel of(String source, Map<String, Double> costs, MetricCatalog catalog) {
        requireNonNull(costs, "costs is null");
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : costs.entrySet()) {
            values.put(entry.getKey(), requireNonNull(entry.getValue(), () -> "null value for " + entry.getKey()));
        }
        return new CostModel(source, catalog, values);
    }

    /** Where the values came from: {@code defaults}, or the defaults overridden by a named file. */
    @JsonProperty("source")
    public String source() {
        return source;
    }

    /** The catalog whose costs this model prices, and whose metrics its reports hold. */
    public MetricCatalog catalog() {
        return catalog;
    }

    /** Every cost by key, in the catalog's cost order. */
    @JsonProperty("costs")
    public Map<String, Double> costs() {
        return values;
    }

    /** The value of {@code event}: ns per event, or GB/s for a bandwidth. */
    public double value(CostDefinition event) {
        Double value = values.get(event.key());
        if (value == null) {
            throw new IllegalArgumentException("unknown cost '" + event.key() + "'; valid: " + catalog.validKeys());
        }
        return value;
    }

    /** Whether {@code event} differs from its documented default. */
    public boolean isOverridden(CostDefinition event) {
        return value(event) != event.defaultValue();
    }

    /**
     * The modelled time of a run, by the formula in the class comment.
     *
     * @param metric a run's count by report metric name (0 for a metric not measured)
     */
    public long modelledNanos(ToLongFunction<String> metric) {
        double total = 0;
        for (double nanos : nanosByEvent(metric).values()) {
            total += nanos;
        }
        return Math.round(total);
    }

    /** Each event's share of the modelled time, in cost order (not rounded). */
    public Map<CostDefinition, Double> nanosByEvent(ToLongFunction<String> metric) {
        requireNonNull(metric, "metric is null");
        Map<CostDefinition, Double> shares = new LinkedHashMap<>();
        for (CostDefinition event : catalog.costs()) {
            long count = 0;
            for (String name : event.metrics()) {
                long value = metric.applyAsLong(name);
                if (value < 0) {
                    throw new IllegalArgumentException("negative count " + value + " for " + name);
                }
                count += value;
            }
            double value = values.get(event.key());
            shares.put(event, event.isBandwidth() ? count / value : count * value);
        }
        return shares;
    }

    /**
     * Each event's share of the modelled time for fractional counts (such as means over seeds), in
     * cost order. The model is linear in the counts, so the shares of the mean counts are the mean
     * shares.
     */
    public Map<CostDefinition, Double> nanosByEventOf(ToDoubleFunction<String> metric) {
        requireNonNull(metric, "metric is null");
        Map<CostDefinition, Double> shares = new LinkedHashMap<>();
        for (CostDefinition event : catalog.costs()) {
            double count = 0;
            for (String name : event.metrics()) {
                count += metric.applyAsDouble(name);
            }
            double value = values.get(event.key());
            shares.put(event, event.isBandwidth() ? count / value : count * value);
        }
        return shares;
    }

    /** The modelled time for fractional counts, not rounded. */
    public double modelledNanosOf(ToDoubleFunction<String> metric) {
        double total = 0;
        for (double nanos : nanosByEventOf(metric).values()) {
            total += nanos;
        }
        return total;
    }

    /** Every metric name the model reads, in cost order. */
    public List<String> pricedMetrics() {
        return catalog.pricedMetrics();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CostModel other && source.equals(other.source) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return 31 * source.hashCode() + values.hashCode();
    }

    @Override
    public String toString() {
        return source + " " + costs();
    }
}
