package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a report's numbers say about one {@link MailProblem}: sentences filled from the measured
 * data, and a sentence for each scenario whose data is missing.
 *
 * @param problem the problem
 * @param findings sentences computed from the results, in the problem's measure order
 * @param missing one sentence per scenario the problem reads that the report has no results for
 */
public record ProblemSummary(MailProblem problem, List<String> findings, List<String> missing) {
    public ProblemSummary {
        requireNonNull(problem, "problem is null");
        findings = List.copyOf(findings);
        missing = List.copyOf(missing);
    }

    /** Whether the report holds every scenario this problem reads. */
    public boolean complete() {
        return missing.isEmpty();
    }
}
