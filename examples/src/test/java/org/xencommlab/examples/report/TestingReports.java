package org.xencommlab.examples.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.Outcome;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.examples.report.model.SizeSweep;
import org.xencommlab.examples.report.model.SweepPoint;
import org.xencommlab.examples.report.model.SweepSeries;

/**
 * Synthetic comparison reports shaped like the lab's: the issue's configurations and scenarios,
 * counts that follow each mechanism (x86 mlocks, ppc registers, the descriptor mode builds
 * descriptors, cleanup=off leaks at process death), one failed run and a size sweep.
 */
public final class TestingReports {
    public static final long SEED = 42;

    public static final Configuration X86_POINTER = Configuration.of("x86", "pointer");
    public static final Configuration X86_EMBEDDED = Configuration.of("x86", "embedded");
    public static final Configuration PPC_POINTER = Configuration.of("ppc", "pointer");
    public static final Configuration PPC_EMBEDDED = Configuration.of("ppc", "embedded");
    public static final Configuration PPC_DESCRIPTOR = Configuration.of("ppc", "pointer", Map.of("mode", "descriptor"));
    public static final Configuration PPC_NO_CLEANUP = Configuration.of("ppc", "pointer", Map.of("cleanup", "off"));
    public static final Configuration X86_DEVICE = Configuration.of("x86", "pointer", Map.of("buffers", "device"));
    public static final Configuration X86_UNALIGNED = Configuration.of("x86", "pointer", Map.of("align", "off"));

    public static final List<Configuration> CONFIGURATIONS = List.of(X86_POINTER, X86_EMBEDDED, PPC_POINTER,
            PPC_EMBEDDED, PPC_DESCRIPTOR, PPC_NO_CLEANUP, X86_DEVICE, X86_UNALIGNED);

    public static final List<ScenarioInfo> SCENARIOS = List.of(
            ScenarioInfo.of("balloon", "the balloon driver gives pages back and takes them again",
                    Map.of("pages", "256")),
            ScenarioInfo.of("dom0-tools", "dom0 tools list domains, write to the console, set a memory target",
                    Map.of("domains", "3")),
            ScenarioInfo.of("interleaved", "Problem #1: a tool's and the balloon driver's buffers interleave",
                    Map.of("rounds", "16")),
            ScenarioInfo.of("spanning", "Problem #2: a buffer that crosses page boundaries",
                    Map.of("bytes", "10000", "offset", "4000")),
            ScenarioInfo.of("unknown-size", "Problem #3: a result whose size is known only afterwards",
                    Map.of("domains", "40")),
            ScenarioInfo.of("process-death", "Problem #4: a tool dies holding buffers", Map.of("buffers", "3")),
            ScenarioInfo.of("memory-pressure", "the swapper runs while a tool's buffer waits: why x86 mlocks",
                    Map.of("pages", "64")),
            ScenarioInfo.of("compaction", "compaction moves a locked page: why mlock is not enough",
                    Map.of("pages", "32")),
            ScenarioInfo.of("multicall", "a batch of calls in one multicall", Map.of("entries", "8")),
            ScenarioInfo.of("heap-exhaustion", "one domain registers until its quota; the others are unaffected",
                    Map.of("domains", "2")));

    private TestingReports() {}

    /** Every configuration on every scenario, one failed run, and a balloon sweep. */
    public static ComparisonReport realistic() {
        return realistic(CostModel.defaults());
    }

    public static ComparisonReport realistic(CostModel costModel) {
        List<RunResult> results = new ArrayList<>();
        for (int s = 0; s < SCENARIOS.size(); s++) {
            ScenarioInfo scenario = SCENARIOS.get(s);
            for (Configuration configuration : CONFIGURATIONS) {
                results.add(result(configuration, scenario, SEED, costModel));
            }
        }
        return ComparisonReport.of(SEED, "0.1.0-test", CONFIGURATIONS, SCENARIOS, costModel, results,
                List.of(balloonSweep(costModel)));
    }

    /** Two configurations, two seeds each, on interleaved only: most problems lack data. */
    public static ComparisonReport sparse() {
        CostModel costModel = CostModel.defaults();
        ScenarioInfo interleaved = SCENARIOS.get(2);
        List<RunResult> results = new ArrayList<>();
        for (long seed : new long[] {7, 8}) {
            results.add(result(PPC_POINTER, interleaved, seed, costModel));
            results.add(result(X86_POINTER, interleaved, seed, costModel));
        }
        return ComparisonReport.of(7, "0.1.0-test", List.of(X86_POINTER, PPC_POINTER), List.of(interleaved),
                costModel, results, List.of());
    }

    /** The run of {@code scenario} on {@code configuration}: counts that follow its mechanism. */
    public static RunResult result(Configuration c, ScenarioInfo scenario, long seed, CostModel costModel) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + (c.id() + "@" + scenario.name()).hashCode());
        boolean x86 = c.arch().equals("x86");
        boolean embedded = c.strategy().equals("embedded");
        boolean descriptor = "descriptor".equals(c.variant().get("mode"));
        boolean device = "device".equals(c.variant().get("buffers"));
        String name = scenario.name();

        long hypercalls = 20 + random.nextInt(200) + (embedded ? 15 : 0);
        long entries = hypercalls + (name.equals("balloon") ? 4 + random.nextInt(8) : random.nextInt(3));
        long buffers = name.equals("multicall") ? 1 : 3 + random.nextInt(12);
        long pagesPerBuffer = name.equals("spanning") ? 3 : 1 + random.nextInt(3);
        long syscalls = hypercalls + 2 * buffers;
        Metrics.Builder m = Metrics.builder()
                .set("hypercalls", hypercalls)
                .set("hypervisorEntries", entries)
                .set("continuations", entries - hypercalls)
                .set("guestSyscalls", syscalls)
                .set("bytesToHypervisor", 4096 * buffers + random.nextInt(50_000))
                .set("bytesToGuest", 1024 * buffers + random.nextInt(20_000))
                .set("kernelCopyBytes", embedded ? 8192 * buffers : 0)
                .set("pageFaults", buffers * pagesPerBuffer);
        Map<String, Long> errors = new LinkedHashMap<>();
        if (x86 && !device) {
            m.set("mlockCalls", buffers).set("munlockCalls", buffers)
                    .set("mlockedPages", buffers * pagesPerBuffer).set("munlockedPages", buffers * pagesPerBuffer)
                    .set("lockedPagesPeak", pagesPerBuffer * Math.min(buffers, 4))
                    .set("translationSteps", 4 * (hypercalls + buffers * pagesPerBuffer));
        } else if (x86) {
            m.set("deviceBytesReservedPeak", 16 * 4096).set("deviceBytesUsedPeak", 4096 * Math.min(buffers, 16))
                    .set("translationSteps", 4 * hypercalls);
        } else if (descriptor) {
            m.set("descriptors", hypercalls).set("descriptorEntries", hypercalls * pagesPerBuffer)
                    .set("translationSteps", hypercalls * pagesPerBuffer);
        } else {
            long live = Math.min(buffers, name.equals("interleaved") ? 2 : 5);
            m.set("registrations", buffers).set("unregistrations", buffers)
                    .set("registrationsPeak", live).set("xenHeapBytesPeak", 8192 + live * 96 * pagesPerBuffer)
                    .set("translationSteps", hypercalls + buffers * pagesPerBuffer);
        }
        if (name.equals("memory-pressure")) {
            m.set("swapOuts", 40 + random.nextInt(40)).set("swapIns", 10 + random.nextInt(10));
        }
        if (name.equals("compaction")) {
            m.set("migrations", 8 + random.nextInt(8));
            if (x86 && !device) {
                m.set("hypervisorFaults", 2).set("retries", 2);
                errors.put("EFAULT", 2L);
            }
        }
        if (name.equals("unknown-size")) {
            m.set("retries", embedded ? 0 : 1 + random.nextInt(3));
        }
        if (name.equals("heap-exhaustion") && !x86 && !descriptor) {
            m.set("xenHeapBytesPeak", 262_144);
            errors.put("ENOMEM", 1L);
        }
        if (name.equals("process-death") && c.equals(PPC_NO_CLEANUP)) {
            m.set("registrationsLeaked", 3).set("xenHeapBytesLeaked", 3 * 96 + 256);
        }
        if (name.equals("balloon")) {
            m.set("extentsDone", 256);
        }
        Metrics metrics = m.build(costModel);
        if (name.equals("interleaved") && c.equals(X86_UNALIGNED)) {
            errors.put("EFAULT", 1L);
            return new RunResult(c.arch(), c.strategy(), c.variant(), name, scenario.parameters(), seed,
                    Outcome.FAILED, "munlock of a shared page unlocked a live buffer: hypercall 7 gave -EFAULT",
                    new java.util.TreeMap<>(errors), metrics);
        }
        return new RunResult(c.arch(), c.strategy(), c.variant(), name, scenario.parameters(), seed, Outcome.OK,
                null, new java.util.TreeMap<>(errors), metrics);
    }

    /** Balloon at 64..4096 pages: extents and copies grow with size, embedded splits into more calls. */
    public static SizeSweep balloonSweep(CostModel costModel) {
        List<Long> values = List.of(64L, 256L, 1024L, 4096L);
        List<SweepSeries> series = new ArrayList<>();
        for (Configuration c : List.of(X86_POINTER, X86_EMBEDDED, PPC_POINTER, PPC_EMBEDDED, PPC_DESCRIPTOR)) {
            boolean embedded = c.strategy().equals("embedded");
            List<SweepPoint> points = new ArrayList<>();
            for (long pages : values) {
                long calls = embedded ? (pages + 63) / 64 : 1 + pages / 1024;
                Metrics metrics = Metrics.builder()
                        .set("hypercalls", calls)
                        .set("hypervisorEntries", calls + pages / 512)
                        .set("continuations", pages / 512)
                        .set("guestSyscalls", 0)
                        .set("extentsDone", pages)
                        .set("bytesToHypervisor", 8 * pages + 40 * calls)
                        .set("bytesToGuest", 8 * pages)
                        .set("translationSteps", c.arch().equals("x86") ? 4 * ((8 * pages + 4095) / 4096) : calls)
                        .set("descriptorEntries", c.variant().containsKey("mode") ? (8 * pages + 4095) / 4096 : 0)
                        .build(costModel);
                points.add(SweepPoint.ok(pages, metrics));
            }
            series.add(SweepSeries.of(c, points));
        }
        return new SizeSweep("balloon", "pages", values, new java.util.TreeMap<>(), SEED, series);
    }
}
