package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The compact p2m (empty, linear and explicit chunks) equals a plain map under any sets and clears. */
final class P2mProperties {
    private static final long FRAMES = 3000;

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE - 1).list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void p2mEqualsAMap(@ForAll("steps") List<Integer> steps) {
        P2m p2m = new P2m(FRAMES);
        Map<Long, Integer> model = new TreeMap<>();
        long cursor = 0;
        int nextMfn = 0;
        for (int step : steps) {
            long gfn = step % 5 < 3 ? cursor++ % FRAMES : (step / 5) % FRAMES;
            int mfn = step % 7 == 0 ? (step / 7) % 100_000 : nextMfn++;
            if (step % 4 == 3) {
                p2m.clear(gfn);
                model.remove(gfn);
            } else {
                p2m.set(gfn, mfn);
                model.put(gfn, mfn);
            }
            assertThat(p2m.get(gfn)).isEqualTo(model.getOrDefault(gfn, P2m.INVALID));
        }
        for (long gfn = -1; gfn <= FRAMES; gfn++) {
            assertThat(p2m.get(gfn)).isEqualTo(model.getOrDefault(gfn, P2m.INVALID));
        }
        List<Long> visited = new ArrayList<>();
        p2m.forEachPopulated((gfn, mfn) -> {
            assertThat(mfn).isEqualTo(model.get(gfn));
            visited.add(gfn);
            p2m.clear(gfn);
        });
        assertThat(visited).containsExactlyElementsOf(model.keySet());
        assertThat(p2m.nextUnpopulated(0)).isZero();
        p2m.forEachPopulated((gfn, mfn) -> {
            throw new AssertionError("left populated: " + gfn);
        });
    }

    @Property(tries = 200)
    void nextUnpopulatedIsTheFirstHole(@ForAll("steps") List<Integer> steps) {
        P2m p2m = new P2m(FRAMES);
        Map<Long, Integer> model = new TreeMap<>();
        long gfn = 0;
        for (int step : steps) {
            gfn = (gfn + step % 3) % FRAMES;
            p2m.set(gfn, (int) gfn + 7);
            model.put(gfn, (int) gfn + 7);
        }
        for (long from = 0; from < FRAMES; from += 37) {
            long expected = -1;
            for (long g = from; g < FRAMES; g++) {
                if (!model.containsKey(g)) {
                    expected = g;
                    break;
                }
            }
            assertThat(p2m.nextUnpopulated(from)).isEqualTo(expected);
        }
    }

    @Property(tries = 1)
    void aRunPopulatedInOrderStaysLinear() {
        P2m p2m = new P2m(1 << 18);
        for (int gfn = 0; gfn < 1 << 18; gfn++) {
            p2m.set(gfn, 5000 + gfn);
        }
        assertThat(p2m.explicitChunks()).isZero();
        assertThat(p2m.get(123_456)).isEqualTo(5000 + 123_456);
        p2m.forEachPopulated((gfn, mfn) -> p2m.clear(gfn));
        assertThat(p2m.explicitChunks()).isZero();
        assertThat(p2m.get(0)).isEqualTo(P2m.INVALID);
    }
}
