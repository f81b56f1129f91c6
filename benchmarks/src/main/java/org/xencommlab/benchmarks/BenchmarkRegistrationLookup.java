package org.xencommlab.benchmarks;

import java.nio.ByteOrder;
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
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.machine.wiring.RunEnvironment;

/**
 * Lookups against flat cost: the ppc hypervisor's resolution of a {@code bufid | offset}
 * reference, with 1 to 1,000,000 live registrations in dom0's table.
 *
 * <p>The table is configured at its largest ({@code max-registrations=1048576}, the 20 index bits
 * of a bufid) in every case, so only the number of live registrations changes; the Xen heap is
 * raised to {@link #HEAP_BYTES} so that a million registrations (72 MB of charges, plus 16 MiB of
 * table leaves) fit. The registrations are real, made by dom0's kernel with the registration
 * hypercall ({@code arch_0 REGISTER}, an inline frame list of one page): registration {@code i}
 * names frame {@code i % FRAMES} of a contiguous kernel area of {@link #FRAMES} pages (a million
 * distinct frames would be 4 GiB of guest memory; pins are counted per frame, so a frame may be in
 * many registrations). One operation is what the hypervisor does for each reference before it
 * copies: open the reference (decode the bufid, check it, read the leaf and slot:
 * {@code RegistrationTable.lookup}) and translate one offset (liveness, bounds, the page list, the
 * frame still RAM). References are visited in a seeded random order over every live registration,
 * {@link Translations#BATCH} per hypervisor entry of a {@link ProbeHypercall}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class BenchmarkRegistrationLookup {
    /** The table's largest configuration: {@code PpcMemref.MAX_INDEX}. */
    static final int TABLE_SLOTS = 1 << 20;
    /** Xen heap, global and per domain, for a million registrations. */
    static final long HEAP_BYTES = 256L << 20;
    /** Distinct dom0 frames the registrations name. */
    static final int FRAMES = 4096;
    private static final long INLINE_FLAG = 1L << 63;
    private static final int REGISTER = 0;

    /** A ppc machine whose dom0 holds {@code registrations} live one-page registrations. */
    @State(Scope.Thread)
    public static class Table {
        @Param({"1", "64", "4096", "65536", "1000000"})
        public int registrations;

        /**
         * The order references are visited in: {@code random} (seeded, the target's measure) or
         * {@code sequential} (bufid order, so consecutive lookups touch neighbouring slots and
         * records). The same operations either way; the difference is memory locality only, which
         * is what the sequential order isolates.
         */
        @Param({"random", "sequential"})
        public String order = "random";

        WiredRun run;
        Translations translations;
        ProbeHypercall probe;

        @Setup(Level.Trial)
        public void setUp() {
            run = start();
            long[] bufids = register(run, registrations);
            int pageBytes = run.machine().pageSize().bytes();
            // Every live registration at least once, in whole batches.
            int visits = (registrations + Translations.BATCH - 1) / Translations.BATCH * Translations.BATCH;
            MemoryReference[] refs = new MemoryReference[visits];
            long[] offsets = new long[visits];
            Random random = new Random(WiredRun.SEED);
            int[] order = new int[visits];
            for (int i = 0; i < visits; i++) {
                order[i] = i % registrations;
            }
            for (int i = visits - 1; i > 0 && !"sequential".equals(this.order); i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; i < visits; i++) {
                long offset = (long) random.nextInt(pageBytes / 8) * 8;
                refs[i] = new MemoryReference(bufids[order[i]] | offset);
                offsets[i] = 0;
            }
            translations = new Translations(run.dom0ArchState(), refs, offsets);
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

    /** A ppc run with the largest table and a Xen heap that holds a million registrations. */
    static WiredRun start() {
        return WiredRun.start("ppc", "pointer", Map.of("max-registrations", Integer.toString(TABLE_SLOTS)),
                RunEnvironment.defaults(WiredRun.SEED).withHypervisor(HypervisorConfig.defaults().withXenHeap(HEAP_BYTES, HEAP_BYTES)));
    }

    /**
     * Makes {@code count} one-page registrations in dom0 with the registration hypercall, frame
     * {@code i % FRAMES} of a contiguous kernel area for registration {@code i}; returns the bufids.
     */
    static long[] register(WiredRun run, int count) {
        GuestKernel dom0 = run.dom0();
        PageSize pageSize = run.machine().pageSize();
        KernelBlock area = dom0.allocateContiguous(Math.min(count, FRAMES));
        KernelBlock list = dom0.kmalloc(Long.BYTES);
        long firstGfn = pageSize.pageOf(area.physicalAddress());
        int frames = area.length() / pageSize.bytes();
        long[] bufids = new long[count];
        for (int i = 0; i < count; i++) {
            dom0.physicalMemory().writeLong(list.physicalAddress(), firstGfn + i % frames, ByteOrder.BIG_ENDIAN);
            long bufid = dom0.hypercall(HypercallNumber.ARCH_0, REGISTER, INLINE_FLAG | list.physicalAddress(), 1);
            if (bufid < 0) {
                throw new IllegalStateException("registration " + i + " refused: " + bufid);
            }
            bufids[i] = bufid;
        }
        long live = run.machine().metrics().current(Gauge.REGISTRATIONS_LIVE);
        if (live != count) {
            throw new IllegalStateException(live + " live registrations, wanted " + count);
        }
        return bufids;
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
