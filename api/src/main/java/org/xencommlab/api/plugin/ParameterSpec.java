package org.xencommlab.api.plugin;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parameter a plugin accepts (a variant, a size): its name, default, allowed values and what it
 * does. Users set it with {@code --set name=value}.
 *
 * @param name the key users type
 * @param defaultValue the value when unset
 * @param allowedValues the values accepted, or empty for an integer in [{@code min}, {@code max}]
 * @param min the smallest integer accepted (for a number)
 * @param max the largest integer accepted (for a number)
 * @param description one line
 */
public record ParameterSpec(String name, String defaultValue, List<String> allowedValues, long min, long max,
        String description) {
    public ParameterSpec {
        requireNonNull(name, "name is null");
        requireNonNull(defaultValue, "defaultValue is null");
        allowedValues = List.copyOf(allowedValues);
        requireNonNull(description, "description is null");
        if (min > max) {
            throw new IllegalArgumentException("empty range for " + name + ": " + min + ".." + max);
        }
        if (!allowedValues.isEmpty() ? !allowedValues.contains(defaultValue) : !inRange(defaultValue, min, max)) {
            throw new IllegalArgumentException("default " + defaultValue + " of " + name + " is not allowed");
        }
    }

    /** A parameter that takes one of {@code allowedValues}, or any non-negative integer if there are none. */
    public ParameterSpec(String name, String defaultValue, List<String> allowedValues, String description) {
        this(name, defaultValue, allowedValues, 0, Long.MAX_VALUE, description);
    }

    /** A parameter that takes one of {@code values}. */
    public static ParameterSpec choice(String name, String defaultValue, String description, String... values) {
        return new ParameterSpec(name, defaultValue, List.of(values), description);
    }

    /** A parameter that takes a non-negative integer. */
    public static ParameterSpec number(String name, long defaultValue, String description) {
        return new ParameterSpec(name, Long.toString(defaultValue), List.of(), description);
    }

    /** A parameter that takes an integer from {@code min} to {@code max}, both included. */
    public static ParameterSpec number(String name, long defaultValue, long min, long max, String description) {
        return new ParameterSpec(name, Long.toString(defaultValue), List.of(), min, max, description);
    }

    /** Whether {@code value} is acceptable. */
    public boolean accepts(String value) {
        if (!allowedValues.isEmpty()) {
            return allowedValues.contains(value);
        }
        return inRange(value, min, max);
    }

    private static boolean inRange(String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            return number >= min && number <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** What is acceptable, for error messages. */
    public String describeAllowed() {
        if (!allowedValues.isEmpty()) {
            return String.join(", ", allowedValues);
        }
        return max == Long.MAX_VALUE ? "an integer from " + min : "an integer from " + min + " to " + max;
    }
}
