package org.xencommlab.hostile.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Delta debugging over call sequences: the failing core is found, and the replay budget is respected. */
final class TestShrinker {
    private static List<Long> upTo(long n) {
        return LongStream.range(0, n).boxed().toList();
    }

    @Test
    void aSequenceThatFailsWhenTwoCallsArePresentShrinksToThoseTwo() {
        List<Long> shrunk = new Shrinker(1000).shrink(upTo(200), s -> s.contains(17L) && s.contains(150L));

        assertThat(shrunk).containsExactly(17L, 150L);
    }

    @Test
    void aSingleCulpritShrinksToItselfAndOrderIsKept() {
        assertThat(new Shrinker(1000).shrink(upTo(64), s -> s.contains(63L))).containsExactly(63L);
        assertThat(new Shrinker(1000).shrink(List.of(5L, 3L, 9L), s -> s.indexOf(9L) > s.indexOf(5L) && s.contains(5L)))
                .containsExactly(5L, 9L);
    }

    @Test
    void theBudgetBoundsTheReplays() {
        int[] tests = {0};
        List<Long> shrunk = new Shrinker(5).shrink(upTo(1000), s -> {
            tests[0]++;
            return s.contains(999L);
        });

        assertThat(tests[0]).isLessThanOrEqualTo(5);
        assertThat(shrunk).contains(999L).hasSizeLessThan(1000);
    }
}
