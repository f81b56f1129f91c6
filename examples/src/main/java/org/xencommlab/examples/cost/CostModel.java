package org.xencommlab.examples.cost;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Per-event costs that turn a run's exact counts into a modelled time. Immutable.
 *
 * <p>The formula (docs/cost-model.md):
 * <pre>
 * modelledNanos = round( sum over ns-per-event e of  count(e) * nanos(e)
 *                        + (bytesToHypervisor + bytesToGuest + kernelCopyBytes) / copyGigabytesPerSecond )
 * </pre>
 * where {@code count(e)} is the sum of the report metrics {@link CostEvent#metrics()} names. The
 * terms are added in {@link CostEvent} order, so the result is the same on every run.
 *
 * <p>Usage: {@code CostModel.defaults()}, or {@link CostModelLoader#load} for a user's file.
 */
@JsonPropertyOrder({"source", "costs"})
public final class CostModel {
    private static final CostModel DEFAULTS = new CostModel("defaults", defaultValues());

    private final String source;
    private final Map<CostEvent, Double> values;

    private CostModel(String source, Map<CostEvent, Double> values) {
        this.source = requireNonNull(source, "source is null");
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
        for (CostEvent event : CostEvent.values()) {
            Double value = this.values.get(event);
            if (value == null) {
                throw new IllegalArgumentException("no value for " + event.key());
            }
            if (!event.accepts(value)) {
                throw new IllegalArgumentException(
                        "bad value " + value + " for " + event.key() + "; valid: " + event.describeValid());
            }
        }
    }

    /** The documented defaults (see {@link CostEvent#source()}). */
    public static CostModel defaults() {
        return DEFAULTS;
    }

    /** This model with {@code event} set to {@code value}, and {@code source} describing where it came from. */
    public CostModel with(CostEvent event, double value, String newSource) {
        if (!event.accepts(value)) {
            throw new IllegalArgumentException(
                    "bad value " + value + " for " + event.key() + "; valid: " + event.describeValid());
        }
        Map<CostEvent, Double> changed = new EnumMap<>(values);
        changed.put(event, value);
        return new CostModel(newSource, changed);
    }

    /**
     * Recreates a model from a report's {@code costModel} object.
     *
     * @throws IllegalArgumentException naming an unknown key, a missing key or a bad value
     */
    @JsonCreator
    public static CostModel of(@JsonProperty("source") String source, @JsonProperty("costs") Map<String, Double> costs) {
        requireNonNull(costs, "costs is null");
        Map<CostEvent, Double> values = new EnumMap<>(CostEvent.class);
        for (Map.Entry<String, Double> entry : costs.entrySet()) {
            CostEvent event = CostEvent.fromKey(entry.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown cost '" + entry.getKey() + "'; valid: " + CostEvent.validKeys()));
            values.put(event, requireNonNull(entry.getValue(), () -> "null value for " + entry.getKey()));
        }
        return new CostModel(source, values);
    }

    /** Where the values came from: {@code defaults}, or the defaults overridden by a named file. */
    @JsonProperty("source")
    public String source() {
        return source;
    }

    /** Every cost by key, in {@link CostEvent} order. */
    @JsonProperty("costs")
    public Map<String, Double> costs() {
        Map<String, Double> costs = new LinkedHashMap<>();
        values.forEach((event, value) -> costs.put(event.key(), value));
        return costs;
    }

    /** The value of {@code event}: ns per event, or GB/s for {@link CostEvent#COPY_BANDWIDTH}. */
    public double value(CostEvent event) {
        return values.get(event);
    }

    /** Whether {@code event} differs from its documented default. */
    public boolean isOverridden(CostEvent event) {
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

    /** Each event's share of the modelled time, in {@link CostEvent} order (not rounded). */
    public Map<CostEvent, Double> nanosByEvent(ToLongFunction<String> metric) {
        requireNonNull(metric, "metric is null");
        Map<CostEvent, Double> shares = new EnumMap<>(CostEvent.class);
        for (CostEvent event : CostEvent.values()) {
            long count = 0;
            for (String name : event.metrics()) {
                long value = metric.applyAsLong(name);
                if (value < 0) {
                    throw new IllegalArgumentException("negative count " + value + " for " + name);
                }
                count += value;
            }
            double value = values.get(event);
            shares.put(event, event.isBandwidth() ? count / value : count * value);
        }
        return shares;
    }

    /**
     * Each event's share of the modelled time for fractional counts (such as means over seeds), in
     * {@link CostEvent} order. The model is linear in the counts, so the shares of the mean counts
     * are the mean shares.
     */
    public Map<CostEvent, Double> nanosByEventOf(java.util.function.ToDoubleFunction<String> metric) {
        requireNonNull(metric, "metric is null");
        Map<CostEvent, Double> shares = new EnumMap<>(CostEvent.class);
        for (CostEvent event : CostEvent.values()) {
            double count = 0;
            for (String name : event.metrics()) {
                count += metric.applyAsDouble(name);
            }
            double value = values.get(event);
            shares.put(event, event.isBandwidth() ? count / value : count * value);
        }
        return shares;
    }

    /** The modelled time for fractional counts, not rounded. */
    public double modelledNanosOf(java.util.function.ToDoubleFunction<String> metric) {
        double total = 0;
        for (double nanos : nanosByEventOf(metric).values()) {
            total += nanos;
        }
        return total;
    }

    /** Every metric name the model reads, in {@link CostEvent} order. */
    public static List<String> pricedMetrics() {
        return java.util.Arrays.stream(CostEvent.values()).flatMap(e -> e.metrics().stream()).toList();
    }

    private static Map<CostEvent, Double> defaultValues() {
        Map<CostEvent, Double> values = new EnumMap<>(CostEvent.class);
        for (CostEvent event : CostEvent.values()) {
            values.put(event, event.defaultValue());
        }
        return values;
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
