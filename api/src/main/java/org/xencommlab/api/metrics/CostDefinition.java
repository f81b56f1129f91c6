package org.xencommlab.api.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An event the lab's cost model prices, declared by the core or by a plugin
 * ({@link org.xencommlab.api.plugin.ArchPlugin#costs()},
 * {@link org.xencommlab.api.abi.StrategyPlugin#costs()}): its key in a cost-model file and in the
 * report's {@code costModel.costs}, one line saying what one event costs, the counters whose sum
 * it prices, its default and where that default comes from. Immutable.
 *
 * <p>What a definition guarantees: the key is a lower-case letter followed by letters and digits,
 * ends in {@code Nanos} for a {@link Unit#NANOS_PER_EVENT} cost, and is unique among every cost
 * the lab loads; every priced counter is declared by the core or by a loaded plugin (the lab
 * refuses to start otherwise); the default is one {@link #unit()} accepts; the source says where
 * the default comes from (a measurement in docs/SOURCES.md, or an estimate with its reasoning).
 *
 * @param key the key, such as {@code registrationNanos}
 * @param description one line saying what one event is
 * @param unit what the value is
 * @param defaultValue the value used unless a cost-model file overrides it
 * @param source where the default comes from, in words
 * @param counters the counters whose sum this cost multiplies (or divides, for a bandwidth); at
 *     least one
 */
public record CostDefinition(String key, String description, Unit unit, double defaultValue, String source,
        List<Counter> counters) {
    /** A cost key. */
    public static final Pattern KEY = Pattern.compile("[a-z][A-Za-z0-9]*");

    /** What a cost's value is. */
    public enum Unit {
        /** Nanoseconds per counted event; 0 or more. */
        NANOS_PER_EVENT("ns"),
        /** A bandwidth in GB/s (10^9 bytes per second, that is bytes per ns) dividing byte counts; above 0. */
        GIGABYTES_PER_SECOND("GB/s");

        private final String symbol;

        Unit(String symbol) {
            this.symbol = symbol;
        }

        /** The unit as tables print it. */
        public String symbol() {
            return symbol;
        }
    }

    public CostDefinition {
        requireNonNull(key, "key is null");
        requireNonNull(description, "description is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(source, "source is null");
        counters = List.copyOf(requireNonNull(counters, "counters is null"));
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("cost key '" + key + "' is not a lower-case letter followed by letters and digits");
        }
        if (unit == Unit.NANOS_PER_EVENT && !key.endsWith("Nanos")) {
            throw new IllegalArgumentException("cost key '" + key + "' prices ns per event, so it must end in Nanos");
        }
        if (description.isBlank() || description.lines().count() != 1) {
            throw new IllegalArgumentException("cost " + key + ": the description must be one non-blank line");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("cost " + key + ": the source of the default is blank");
        }
        if (counters.isEmpty()) {
            throw new IllegalArgumentException("cost " + key + " prices no counter");
        }
        if (!accepts(unit, defaultValue)) {
            throw new IllegalArgumentException("cost " + key + ": default " + defaultValue + " is not " + describeValid(unit));
        }
    }

    /**
     * A cost in ns per event of {@code counters}' sum.
     *
     * @throws IllegalArgumentException for a bad key, a blank description or source, no counter, or
     *     a negative or non-finite default
     */
    public static CostDefinition nanosPerEvent(String key, String description, double defaultNanos, String source,
            Counter... counters) {
        return new CostDefinition(key, description, Unit.NANOS_PER_EVENT, defaultNanos, source, List.of(counters));
    }

    /** Whether the value is a bandwidth rather than ns per event. */
    public boolean isBandwidth() {
        return unit == Unit.GIGABYTES_PER_SECOND;
    }

    /** Whether {@code value} is acceptable for this cost. */
    public boolean accepts(double value) {
        return accepts(unit, value);
    }

    /** What a value of this cost may be, for error messages. */
    public String describeValid() {
        return describeValid(unit);
    }

    /** The names of {@link #counters()}, in order. */
    public List<String> metrics() {
        return counters.stream().map(Counter::name).toList();
    }

    private static boolean accepts(Unit unit, double value) {
        return Double.isFinite(value) && (unit == Unit.GIGABYTES_PER_SECOND ? value > 0 : value >= 0);
    }

    private static String describeValid(Unit unit) {
        return unit == Unit.GIGABYTES_PER_SECOND ? "a number greater than 0 (GB/s)" : "a number of nanoseconds, 0 or more";
    }
}
