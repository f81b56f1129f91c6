package org.xencommlab.hostile.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging (Zeller's ddmin) over a call sequence: the shortest subsequence it can find for
 * which {@code fails} still holds, removing chunks of halving size and then single calls. Each
 * test replays a subsequence on a fresh machine, so the number of tests is bounded.
 */
public final class Shrinker {
    private final int maxTests;

    /** @param maxTests replays allowed; the best sequence found so far is returned when they run out */
    public Shrinker(int maxTests) {
        if (maxTests < 1) {
            throw new IllegalArgumentException("maxTests must be positive");
        }
        this.maxTests = maxTests;
    }

    /** {@code sequence}, which fails, shrunk to a shorter one that fails too (1-minimal when the tests suffice). */
    public List<Long> shrink(List<Long> sequence, Predicate<List<Long>> fails) {
        List<Long> current = new ArrayList<>(sequence);
        int tests = 0;
        int granularity = 2;
        while (current.size() >= 2 && tests < maxTests) {
            int chunk = (current.size() + granularity - 1) / granularity;
            boolean reduced = false;
            for (int start = 0; start < current.size() && tests < maxTests; start += chunk) {
                List<Long> complement = new ArrayList<>(current.subList(0, start));
                complement.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                if (complement.isEmpty()) {
                    continue;
                }
                tests++;
                if (fails.test(complement)) {
                    current = complement;
                    granularity = Math.max(granularity - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (chunk <= 1) {
                    break;
                }
                granularity = Math.min(current.size(), granularity * 2);
            }
        }
        return List.copyOf(current);
    }
}
