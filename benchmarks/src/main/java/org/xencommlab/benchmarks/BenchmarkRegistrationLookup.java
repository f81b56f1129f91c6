package org.xencommlab.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;

/**
 * DESIGN.md section 9, lookups against flat cost: the ppc hypervisor's resolution of a
 * {@code bufid | offset} reference, with 1, 64 or 4096 live registrations in dom0's table.
 *
 * <p>The table is configured at its largest ({@code max-registrations=4096}, the most the 12 index
 * bits of a bufid can name) in every case, so only the number of live registrations changes. The
 * registrations are real: one dom0 tool makes that many one-page buffers through the arch's guest
 * half ({@code alloc_buf}: mmap, pin, registration hypercall). One operation is what the
 * hypervisor does for each reference before it copies: open the reference (decode the bufid, check
 * domain, generation and index, read the slot: {@code RegistrationTable.lookup}) and translate one
 * offset (liveness, bounds, the page list, the frame still RAM). References are visited in a
 * seeded random order over every live registration, {@link Translations#BATCH} per hypervisor
 * entry of a {@link ProbeHypercall}.
 *
 * <p>The design asks for 1 to 1,000,000 registrations; the table cannot hold more than 4096 (see
 * docs/BENCHMARKS.md for what would have to change).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BenchmarkRegistrationLookup {
    /** The table's largest configuration: {@code PpcMemref.MAX_INDEX}. */
    static final int TABLE_SLOTS = 4096;

    /** A ppc machine whose dom0 tool holds {@code registrations} live one-page registrations. */
    @State(Scope.Thread)
    public static class Table {
        @Param({"1", "64", "4096"})
        public int registrations;

        WiredRun run;
        Translations translations;
        ProbeHypercall probe;

        @Setup(Level.Trial)
        public void setUp() {
            run = WiredRun.start("ppc", "pointer", Map.of("max-registrations", Integer.toString(TABLE_SLOTS)));
            int pageBytes = run.machine().pageSize().bytes();
            List<BufferSlice> slices = new ArrayList<>();
            for (int i = 0; i < registrations; i++) {
                slices.add(run.tool().allocMem(run.tool().allocBuf(1), pageBytes));
            }
            long live = run.machine().metrics().current(Gauge.REGISTRATIONS_LIVE);
            if (live != registrations) {
                throw new IllegalStateException(live + " live registrations, wanted " + registrations);
            }
            int visits = Math.max(registrations, Translations.BATCH);
            MemoryReference[] refs = new MemoryReference[visits];
            long[] offsets = new long[visits];
            Random random = new Random(WiredRun.SEED);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < visits; i++) {
                order.add(i % registrations);
            }
            java.util.Collections.shuffle(order, random);
            for (int i = 0; i < visits; i++) {
                refs[i] = slices.get(order.get(i)).reference();
                offsets[i] = (long) random.nextInt(pageBytes / 8) * 8;
            }
            translations = new Translations(run.resolver(), refs, offsets);
            probe = run.probe();
            probe.action(translations::batch);
            if (probe.call() != 0) {
                throw new IllegalStateException("a registered reference did not translate");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long faults = run.machine().metrics().get(Counter.HYPERVISOR_FAULTS);
            List<String> audit = run.stop();
            if (faults != 0 || !audit.isEmpty()) {
                throw new IllegalStateException(faults + " faults; audit " + audit);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(Translations.BATCH)
    public long lookupAndTranslate(Table table) {
        long result = table.probe.call();
        if (result != 0) {
            throw new IllegalStateException("translation failed: " + result);
        }
        return table.translations.lastSum();
    }
}
