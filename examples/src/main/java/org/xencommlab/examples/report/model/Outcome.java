package org.xencommlab.examples.report.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a run completed: {@code ok}, or {@code failed} with a one-line reason. */
public enum Outcome {
    OK,
    FAILED;

    /** The report's spelling: {@code ok} or {@code failed}. */
    @JsonValue
    public String reportName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Outcome fromReportName(String name) {
        for (Outcome outcome : values()) {
            if (outcome.reportName().equals(name)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + name + "'; valid: ok, failed");
    }
}
