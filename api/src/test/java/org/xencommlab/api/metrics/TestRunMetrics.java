package org.xencommlab.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class TestRunMetrics {
    @Test
    void aCounterDefinedAfterTheRunWasMadeIsCountedAndListed() {
        RunMetrics run = new RunMetrics();
        run.increment(Counter.HYPERCALLS);
        Counter late = Counter.define("lateCounter", "a counter defined after the run began", "events");

        run.add(late, 5);
        run.increment(late);

        assertThat(run.get(late)).isEqualTo(6);
        assertThat(run.counted()).containsExactly(Counter.HYPERCALLS, late);
        assertThat(run.counters()).containsEntry(late, 6L).containsEntry(Counter.HYPERCALLS, 1L);
        assertThat(new RunMetrics().get(late)).isZero();
        assertThatThrownBy(() -> run.add(late, -1)).hasMessage("a counter only grows: lateCounter by -1");
    }

    @Test
    void aPluginGaugeHasAPeakALevelAndAReservation() {
        Gauge pool = Gauge.define("poolSlots", "slots of a pool in use", "slots");
        RunMetrics run = new RunMetrics();

        run.adjust(pool, 4);
        run.adjust(pool, -3);
        run.adjust(pool, 1);
        run.markReserved(pool, 1);

        assertThat(run.peak(pool)).isEqualTo(4);
        assertThat(run.current(pool)).isEqualTo(2);
        assertThat(run.reserved(pool)).isEqualTo(1);
        assertThat(run.moved()).containsExactly(pool);
        assertThat(pool.reportNames()).containsExactly("poolSlotsPeak", "poolSlotsLeaked");
        assertThat(Gauge.XEN_HEAP_BYTES.reportNames()).containsExactly("xenHeapBytesPeak", "xenHeapBytesLeaked",
                "xenHeapBytesReserved");
    }

    @Test
    void perCallTotalsTakeEveryCounterIncludingOnesDefinedDuringTheCall() {
        RunMetrics run = new RunMetrics();
        run.add(Counter.BYTES_TO_GUEST, 100);
        long[] before = run.counterSnapshot();
        Counter during = Counter.define("duringCall", "a counter defined while a call ran", "events");
        run.increment(Counter.HYPERCALLS);
        run.add(Counter.BYTES_TO_GUEST, 8);
        run.add(during, 3);

        run.addCall(12, 0, before);

        var counts = run.calls().get(new RunMetrics.CallKey(12, 0));
        assertThat(counts).containsEntry(Counter.HYPERCALLS, 1L).containsEntry(Counter.BYTES_TO_GUEST, 8L)
                .containsEntry(during, 3L);
        assertThatThrownBy(() -> run.addCall(12, 0, new long[before.length + 100_000]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentCountsAreExactAcrossChunks() throws Exception {
        List<Counter> counters = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            counters.add(Counter.define("many" + i, "one of many counters", "events"));
        }
        RunMetrics run = new RunMetrics();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 1_000; round++) {
                        counters.forEach(run::increment);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(counters).allSatisfy(c -> assertThat(run.get(c)).isEqualTo(4_000));
    }

    @Test
    void badDefinitionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Counter.define("Bad", "x", "y"))
                .hasMessage("metric name 'Bad' is not a lower-case letter followed by letters and digits");
        assertThatThrownBy(() -> Gauge.define("ok", "two\nlines", "y"))
                .hasMessage("metric ok: the description must be one non-blank line");
        assertThatThrownBy(() -> CostDefinition.nanosPerEvent("cost", "x", 1, "s", Counter.HYPERCALLS))
                .hasMessage("cost key 'cost' prices ns per event, so it must end in Nanos");
        assertThatThrownBy(() -> CostDefinition.nanosPerEvent("costNanos", "x", -1, "s", Counter.HYPERCALLS))
                .hasMessage("cost costNanos: default -1.0 is not a number of nanoseconds, 0 or more");
        assertThatThrownBy(() -> CostDefinition.nanosPerEvent("costNanos", "x", 1, "s"))
                .hasMessage("cost costNanos prices no counter");
    }
}
