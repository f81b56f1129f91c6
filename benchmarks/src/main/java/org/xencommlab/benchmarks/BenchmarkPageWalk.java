package org.xencommlab.benchmarks;

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
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * The x86 hypervisor's translation of a user virtual address: a four-level walk (PML4, PDPT, PD,
 * PT) of the calling vCPU's page tables, which live in dom0's guest memory and are read entry by
 * entry through the p2m, as Xen's PV {@code copy_from_guest} does with the guest's CR3 loaded.
 *
 * <p>The addresses lie in a dom0 tool's mlocked hypercall buffer of {@code pages} pages
 * ({@code alloc_buf}); one operation opens a reference to a seeded random address in it and
 * translates it, {@link Translations#BATCH} per hypervisor entry of a {@link ProbeHypercall}. With
 * one page every walk reads the same four entries; with 256 pages the walks share their upper three
 * levels (as in any real process) and read 256 different leaf entries.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BenchmarkPageWalk {
    /** An x86 machine whose dom0 tool holds an mlocked buffer of {@code pages} pages. */
    @State(Scope.Thread)
    public static class Walk {
        @Param({"1", "256"})
        public int pages;

        WiredRun run;
        HypercallBuffer buffer;
        Translations translations;
        ProbeHypercall probe;

        @Setup(Level.Trial)
        public void setUp() {
            run = WiredRun.start("x86", "pointer", Map.of());
            int pageBytes = run.machine().pageSize().bytes();
            buffer = run.tool().allocBuf(pages);
            BufferSlice slice = run.tool().allocMem(buffer, pages * pageBytes);
            int visits = Math.max(pages, Translations.BATCH);
            MemoryReference[] refs = new MemoryReference[visits];
            long[] offsets = new long[visits];
            Random random = new Random(WiredRun.SEED);
            for (int i = 0; i < visits; i++) {
                refs[i] = new MemoryReference(slice.userAddress() + (long) random.nextInt(pages * pageBytes));
                offsets[i] = 0;
            }
            translations = new Translations(run.dom0ArchState(), refs, offsets);
            probe = run.probe();
            probe.action(translations::batch);
            if (probe.call() != 0) {
                throw new IllegalStateException("a mapped user address did not translate");
            }
            long expected = 0;
            for (int i = 0; i < Translations.BATCH; i++) {
                expected += run.tool().process().translate(refs[i].value());
            }
            if (translations.lastSum() != expected) {
                throw new IllegalStateException("the hypervisor's walk disagrees with the kernel's");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long faults = run.machine().metrics().get(Counter.HYPERVISOR_FAULTS);
            run.tool().freeBuf(buffer);
            List<String> audit = run.stop();
            if (faults != 0 || !audit.isEmpty()) {
                throw new IllegalStateException(faults + " faults; audit " + audit);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(Translations.BATCH)
    public long walkAndTranslate(Walk walk) {
        long result = walk.probe.call();
        if (result != 0) {
            throw new IllegalStateException("translation failed: " + result);
        }
        return walk.translations.lastSum();
    }
}
