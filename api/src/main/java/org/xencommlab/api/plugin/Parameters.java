package org.xencommlab.api.plugin;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validated parameter values of one plugin in one configuration: every declared parameter has a
 * value (its default if unset), and nothing undeclared is present.
 */
public final class Parameters {
    private final Map<String, String> values;
    private final Map<String, String> nonDefault;

    private Parameters(Map<String, String> values, Map<String, String> nonDefault) {
        this.values = Collections.unmodifiableMap(values);
        this.nonDefault = Collections.unmodifiableMap(nonDefault);
    }

    /**
     * Validates {@code given} against {@code specs}.
     *
     * @throws IllegalArgumentException naming the bad key or value and what is valid
     */
    public static Parameters of(List<ParameterSpec> specs, Map<String, String> given) {
        requireNonNull(specs, "specs is null");
        requireNonNull(given, "given is null");
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        specs.forEach(spec -> byName.put(spec.name(), spec));
        for (Map.Entry<String, String> entry : given.entrySet()) {
            ParameterSpec spec = byName.get(entry.getKey());
            if (spec == null) {
                throw new IllegalArgumentException("unknown parameter '" + entry.getKey() + "'; valid: "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
            }
            if (!spec.accepts(entry.getValue())) {
                throw new IllegalArgumentException("bad value '" + entry.getValue() + "' for " + spec.name()
                        + "; valid: " + spec.describeAllowed());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> nonDefault = new TreeMap<>();
        for (ParameterSpec spec : byName.values()) {
            String value = given.getOrDefault(spec.name(), spec.defaultValue());
            values.put(spec.name(), value);
            if (!value.equals(spec.defaultValue())) {
                nonDefault.put(spec.name(), value);
            }
        }
        return new Parameters(values, nonDefault);
    }

    /** Parameters of a plugin that declares none. */
    public static Parameters none() {
        return new Parameters(Map.of(), Map.of());
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("undeclared parameter " + name);
        }
        return value;
    }

    public long getLong(String name) {
        return Long.parseLong(get(name));
    }

    public boolean is(String name, String value) {
        return get(name).equals(value);
    }

    /** The values that differ from their defaults, sorted by name. */
    public Map<String, String> nonDefault() {
        return nonDefault;
    }

    public Map<String, String> all() {
        return values;
    }

    @Override
    public String toString() {
        return nonDefault.toString();
    }
}
