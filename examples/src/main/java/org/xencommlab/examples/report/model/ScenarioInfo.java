package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.SortedMap;

/**
 * A scenario the lab ran.
 *
 * @param name the name users type ({@code interleaved})
 * @param description one line: what the scenario shows
 * @param parameters the parameter values it ran with (defaults included), by name
 */
@JsonPropertyOrder({"name", "description", "parameters"})
public record ScenarioInfo(String name, String description, SortedMap<String, String> parameters) {
    public ScenarioInfo {
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("scenario name is blank");
        }
        description = description == null ? "" : description.strip();
        parameters = Maps.sortedCopy(parameters, "scenario parameters");
    }

    public static ScenarioInfo of(String name, String description, Map<String, String> parameters) {
        return new ScenarioInfo(name, description, Maps.sortedCopy(parameters, "scenario parameters"));
    }
}
