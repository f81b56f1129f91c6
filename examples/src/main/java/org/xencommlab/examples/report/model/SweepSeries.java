package org.xencommlab.examples.report.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.SortedMap;

/**
 * One configuration's points in a {@link SizeSweep}.
 *
 * @param arch the arch plugin's name
 * @param strategy the strategy plugin's name
 * @param variant parameters that differ from their defaults
 * @param points one per sweep value, in the sweep's order
 */
@JsonPropertyOrder({"configuration", "arch", "strategy", "variant", "points"})
@JsonIgnoreProperties(value = "configuration", allowGetters = true)
public record SweepSeries(String arch, String strategy, SortedMap<String, String> variant, List<SweepPoint> points) {
    public SweepSeries {
        variant = new Configuration(arch, strategy, variant).variant();
        points = List.copyOf(points);
    }

    public static SweepSeries of(Configuration configuration, List<SweepPoint> points) {
        return new SweepSeries(configuration.arch(), configuration.strategy(), configuration.variant(), points);
    }

    public Configuration configurationKey() {
        return new Configuration(arch, strategy, variant);
    }

    @JsonProperty("configuration")
    public String configuration() {
        return configurationKey().id();
    }
}
