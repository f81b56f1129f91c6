package org.xencommlab.examples.report.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One run of a {@link SizeSweep}: the swept parameter's value and what the run measured.
 *
 * @param value the swept parameter's value
 * @param outcome whether the run completed
 * @param failure one line for a failed run, null for an ok one
 * @param metrics the run's counts and modelled time
 */
@JsonPropertyOrder({"value", "outcome", "failure", "metrics"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SweepPoint(long value, Outcome outcome, String failure, Metrics metrics) {
    public SweepPoint {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(metrics, "metrics is null");
        if (outcome == Outcome.OK && failure != null) {
            throw new IllegalArgumentException("an ok point has no failure reason: " + failure);
        }
        if (outcome == Outcome.FAILED) {
            failure = failure == null ? "" : failure.strip().lines().findFirst().orElse("").strip();
            if (failure.isEmpty()) {
                throw new IllegalArgumentException("a failed point needs a one-line reason");
            }
        }
    }

    public static SweepPoint ok(long value, Metrics metrics) {
        return new SweepPoint(value, Outcome.OK, null, metrics);
    }
}
