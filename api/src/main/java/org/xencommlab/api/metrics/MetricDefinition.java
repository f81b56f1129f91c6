package org.xencommlab.api.metrics;

import java.util.regex.Pattern;

/**
 * A count the lab reports: a {@link Counter} or a {@link Gauge}. The core declares the counts every
 * configuration shares ({@link Counter#core()}, {@link Gauge#core()}); an arch plugin
 * ({@link org.xencommlab.api.plugin.ArchPlugin#metrics()}) or a strategy plugin
 * ({@link org.xencommlab.api.abi.StrategyPlugin#metrics()}) declares its own, and they appear in
 * every report format with no change elsewhere.
 *
 * <p>An implementation is one of the two handle classes, made once (a {@code static final} field)
 * with {@code Counter.define} or {@code Gauge.define}; the handle is what code counts with through
 * {@link RunMetrics}. What a definition guarantees:
 * <ul>
 *   <li>{@link #name()} is a report name: a lower-case ASCII letter, then ASCII letters and digits
 *       ({@code registrations}, {@code cvmPagesConverted}), unique among every definition the lab
 *       loads (the lab refuses to start otherwise). A gauge is reported as {@code <name>Peak} and
 *       {@code <name>Leaked} (and {@code <name>Reserved} if it is reservable), so those names are
 *       taken too.</li>
 *   <li>{@link #description()} is one line, shown as the metric's description in the JSON schema,
 *       the HTML glossary and docs.</li>
 *   <li>{@link #unit()} names what one unit counts ({@code calls}, {@code pages}, {@code bytes}).</li>
 * </ul>
 */
public sealed interface MetricDefinition permits Counter, Gauge {
    /** The report name. */
    String name();

    /** One line saying what is counted. */
    String description();

    /** What one unit is, plural ({@code pages}, {@code bytes}). */
    String unit();

    /** The names this definition adds to a report, in report order. */
    java.util.List<String> reportNames();

    /** A report name: a lower-case letter, then letters and digits. */
    Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");

    /** Checks a name, description and unit; the message names what is wrong. */
    static void check(String name, String description, String unit) {
        java.util.Objects.requireNonNull(name, "name is null");
        java.util.Objects.requireNonNull(description, "description is null");
        java.util.Objects.requireNonNull(unit, "unit is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name
                    + "' is not a lower-case letter followed by letters and digits");
        }
        if (description.isBlank() || description.lines().count() != 1) {
            throw new IllegalArgumentException("metric " + name + ": the description must be one non-blank line");
        }
        if (unit.isBlank() || unit.lines().count() != 1) {
            throw new IllegalArgumentException("metric " + name + ": the unit must be one non-blank line");
        }
    }
}
