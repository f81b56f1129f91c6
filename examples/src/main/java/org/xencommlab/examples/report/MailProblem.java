package org.xencommlab.examples.report;

import java.util.List;

/**
 * The questions of the seed mail (Problems #1 to #4) and the two later findings of libxc's history
 * (why x86 mlocks; mlock is not enough), and what private memory costs a confidential VM, each with the scenarios whose measurements answer it and
 * the metrics to read there. {@link ProblemSummaries} turns these into sentences from the numbers.
 */
public enum MailProblem {
    CONCURRENCY("problem-1", "Problem #1: concurrency",
            "A tool and the balloon driver register and unregister buffers interleaved: the hypervisor must track"
                    + " several buffers per domain, limited so that one domain cannot exhaust the Xen heap.",
            List.of(
                    new Measure("interleaved", "registrationsPeak", "buffers registered at once (peak)"),
                    new Measure("interleaved", "hypercalls", "hypercalls"),
                    new Measure("heap-exhaustion", "xenHeapBytesPeak", "Xen heap bytes at peak"),
                    new Measure("heap-exhaustion", "registrationsPeak", "buffers registered at once (peak)"))),
    SPANNING("problem-2", "Problem #2: spanning pages",
            "A buffer that crosses page boundaries must still be reached piece by piece.",
            List.of(
                    new Measure("spanning", "translationSteps", "translation steps"),
                    new Measure("spanning", "hypercalls", "hypercalls"),
                    new Measure("spanning", "lockedPagesPeak", "pages locked at peak"),
                    new Measure("spanning", "descriptorEntries", "descriptor entries written"))),
    UNKNOWN_SIZE("problem-3", "Problem #3: unknown size",
            "The maximum number of bytes a buffer needs must be known beforehand.",
            List.of(
                    new Measure("unknown-size", "retries", "retries (calls re-issued, buffers re-made larger)"),
                    new Measure("unknown-size", "hypercalls", "hypercalls"),
                    new Measure("unknown-size", "registrations", "registrations"),
                    new Measure("unknown-size", "modelledNanos", "modelled ns"))),
    PROCESS_DEATH("problem-4", "Problem #4: process death",
            "The kernel must unregister what a process registered when it dies without cleaning up.",
            List.of(
                    new Measure("process-death", "registrationsLeaked", "registrations left behind"),
                    new Measure("process-death", "xenHeapBytesLeaked", "Xen heap bytes left behind"),
                    new Measure("process-death", "lockedPagesLeaked", "locked pages left behind"),
                    new Measure("process-death", "deviceBytesReservedLeaked", "device bytes left reserved"))),
    WHY_X86_MLOCKS("why-mlock", "Why x86 mlocks",
            "On x86 the hypervisor walks the guest's page tables and cannot fault a page in: a swapped-out"
                    + " buffer page is -EFAULT.",
            List.of(
                    new Measure("memory-pressure", "swapOuts", "pages swapped out"),
                    new Measure("memory-pressure", "hypervisorFaults", "hypervisor copy faults"),
                    new Measure("memory-pressure", "lockedPagesPeak", "pages locked at peak"),
                    new Measure("memory-pressure", "mlockCalls", "mlock calls"))),
    MLOCK_NOT_ENOUGH("mlock-not-enough", "mlock is not enough",
            "mlock only promises \"not swapped\": compaction may still move a locked page under a hypercall.",
            List.of(
                    new Measure("compaction", "migrations", "pages migrated"),
                    new Measure("compaction", "hypervisorFaults", "hypervisor copy faults"),
                    new Measure("compaction", "retries", "retries"),
                    new Measure("compaction", "lockedPagesPeak", "pages locked at peak"))),
    PRIVATE_MEMORY("private-memory", "A confidential VM: private memory",
            "When the hypervisor may reach only the pages a guest converted to shared (arch cvm), what does each"
                    + " strategy pay: bytes bounced through a shared pool on every call, or page-state conversions?",
            List.of(
                    new Measure("spanning", "cvmBytesBounced", "bytes bounced through the pool"),
                    new Measure("spanning", "cvmPagesConverted", "pages converted between private and shared"),
                    new Measure("heap-exhaustion", "cvmConversionCalls", "page-state change calls"),
                    new Measure("heap-exhaustion", "cvmBytesBounced", "bytes bounced through the pool")));

    private final String id;
    private final String title;
    private final String question;
    private final List<Measure> measures;

    MailProblem(String id, String title, String question, List<Measure> measures) {
        this.id = id;
        this.title = title;
        this.question = question;
        this.measures = measures;
    }

    /** A stable id for HTML anchors. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** What the mail (or libxc's history) asks; a question, never a conclusion. */
    public String question() {
        return question;
    }

    /** What to read, in order. */
    public List<Measure> measures() {
        return measures;
    }

    /** The scenarios this problem reads, in order of first use. */
    public List<String> scenarios() {
        return measures.stream().map(Measure::scenario).distinct().toList();
    }

    /**
     * One metric of one scenario that bears on a problem.
     *
     * @param scenario the scenario's name
     * @param metric the report metric
     * @param phrase what the metric counts, as a noun phrase for sentences
     */
    public record Measure(String scenario, String metric, String phrase) {}
}
