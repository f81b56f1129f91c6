package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.SortedMap;

/**
 * One configuration the lab ran: an arch backend, an argument strategy and the parameters that
 * differ from their defaults (empty if none).
 *
 * @param arch the arch plugin's name ({@code x86}, {@code ppc})
 * @param strategy the strategy plugin's name ({@code pointer}, {@code embedded})
 * @param variant parameter name to value, for the parameters set away from their defaults
 */
@JsonPropertyOrder({"id", "arch", "strategy", "variant"})
@JsonIgnoreProperties(value = "id", allowGetters = true)
public record Configuration(String arch, String strategy, SortedMap<String, String> variant) {
    public Configuration {
        requireNonNull(arch, "arch is null");
        requireNonNull(strategy, "strategy is null");
        if (arch.isBlank() || strategy.isBlank()) {
            throw new IllegalArgumentException("arch and strategy must not be blank");
        }
        variant = Maps.sortedCopy(variant, "variant");
    }

    public static Configuration of(String arch, String strategy, Map<String, String> variant) {
        return new Configuration(arch, strategy, Maps.sortedCopy(variant, "variant"));
    }

    public static Configuration of(String arch, String strategy) {
        return of(arch, strategy, Map.of());
    }

    /**
     * The configuration's name in reports: {@code arch/strategy}, then the variant as
     * {@code key=value} pairs joined by commas, after a space: {@code ppc/pointer cleanup=off}.
     */
    @JsonProperty("id")
    public String id() {
        return variant.isEmpty() ? arch + "/" + strategy : arch + "/" + strategy + " " + variantText();
    }

    /** The variant as {@code key=value,key=value}, empty if none. */
    public String variantText() {
        return Maps.describe(variant);
    }
}
