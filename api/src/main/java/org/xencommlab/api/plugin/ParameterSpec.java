package org.xencommlab.api.plugin;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parameter a plugin accepts (a variant, a size): its name, default, allowed values and what it
 * does. Users set it with {@code --set name=value}.
 *
 * @param name the key users type
 * @param defaultValue the value when unset
 * @param allowedValues the values accepted, or empty for any non-negative integer
 * @param description one line
 */
public record ParameterSpec(String name, String defaultValue, List<String> allowedValues, String description) {
    public ParameterSpec {
        requireNonNull(name, "name is null");
        requireNonNull(defaultValue, "defaultValue is null");
        allowedValues = List.copyOf(allowedValues);
        requireNonNull(description, "description is null");
        if (!allowedValues.isEmpty() && !allowedValues.contains(defaultValue)) {
            throw new IllegalArgumentException("default " + defaultValue + " of " + name + " is not allowed");
        }
    }

    /** A parameter that takes one of {@code values}. */
    public static ParameterSpec choice(String name, String defaultValue, String description, String... values) {
        return new ParameterSpec(name, defaultValue, List.of(values), description);
    }

    /** A parameter that takes a non-negative integer. */
    public static ParameterSpec number(String name, long defaultValue, String description) {
        return new ParameterSpec(name, Long.toString(defaultValue), List.of(), description);
    }

    /** Whether {@code value} is acceptable. */
    public boolean accepts(String value) {
        if (!allowedValues.isEmpty()) {
            return allowedValues.contains(value);
        }
        try {
            return Long.parseLong(value) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** What is acceptable, for error messages. */
    public String describeAllowed() {
        return allowedValues.isEmpty() ? "a non-negative integer" : String.join(", ", allowedValues);
    }
}
