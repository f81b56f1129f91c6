package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link P2m#forEachRun} (the audit's walk) visits exactly the entries {@link P2m#forEachPopulated}
 * visits, in the same order, in maximal runs of consecutive mfns that never cross a chunk.
 */
final class P2mRunsProperties {
    private static final long FRAMES = 5000;

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE - 1).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void runsExpandToThePopulatedEntries(@ForAll("steps") List<Integer> steps) {
        P2m p2m = new P2m(FRAMES);
        long cursor = 0;
        int nextMfn = 0;
        for (int step : steps) {
            long gfn = step % 5 < 3 ? cursor++ % FRAMES : (step / 5) % FRAMES;
            int mfn = step % 7 == 0 ? (step / 7) % 100_000 : nextMfn++;
            if (step % 4 == 3) {
                p2m.clear(gfn);
            } else {
                p2m.set(gfn, mfn);
            }
        }
        List<long[]> entries = new ArrayList<>();
        p2m.forEachPopulated((gfn, mfn) -> entries.add(new long[] {gfn, mfn}));
        List<long[]> fromRuns = new ArrayList<>();
        List<long[]> runs = new ArrayList<>();
        p2m.forEachRun((gfn, mfn, count) -> {
            assertThat(count).isPositive();
            assertThat(gfn >>> 10).as("a run stays in its chunk").isEqualTo((gfn + count - 1) >>> 10);
            runs.add(new long[] {gfn, mfn, count});
            for (int i = 0; i < count; i++) {
                fromRuns.add(new long[] {gfn + i, mfn + i});
            }
        });
        assertThat(fromRuns).hasSameSizeAs(entries);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(fromRuns.get(i)).containsExactly(entries.get(i));
        }
        // Maximal: a run is never followed, in the same chunk, by an entry that continues it.
        for (long[] run : runs) {
            long next = run[0] + run[2];
            if ((next >>> 10) == (run[0] >>> 10) && next < FRAMES) {
                assertThat(p2m.get(next)).isNotEqualTo((int) (run[1] + run[2]));
            }
        }
    }

    @Property(tries = 100)
    void anEmptyOrClearedP2mHasNoRuns(@ForAll("steps") List<Integer> steps) {
        P2m p2m = new P2m(FRAMES);
        for (int step : steps) {
            p2m.set(step % FRAMES, step % 50_000);
        }
        for (int step : steps) {
            p2m.clear(step % FRAMES);
        }
        List<long[]> runs = new ArrayList<>();
        p2m.forEachRun((gfn, mfn, count) -> runs.add(new long[] {gfn, mfn, count}));
        assertThat(runs).isEmpty();
    }
}
