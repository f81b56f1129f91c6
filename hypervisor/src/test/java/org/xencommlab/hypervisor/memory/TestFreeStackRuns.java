package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The free stack kept as runs, deterministically, where an aligned allocation takes frames out of
 * the middle of it: a whole run removed, a run split in two, a run cut at its start or its end,
 * at every position of the stack and for stacks of up to 40 runs (so across the growth of its
 * arrays). After each, the machine gives the remaining free frames in the order of a stack of
 * single frames, and keeps them in as many runs as the frees and the cut make.
 */
final class TestFreeStackRuns {
    private static final int MAX_RUNS = 40;
    private static final int FRAMES = 2 * MAX_RUNS + 16;

    private MachineMemory machine;
    /** The free frames in the order the machine must give them (the head is the top). */
    private Deque<Integer> model;

    /**
     * A full machine, then frees: single frames 6, 8, 10, ... (none adjacent, so each is a run of
     * its own), and at stack position {@code position} the frames {@code from..to-1}, freed from
     * the highest down so that they make one run.
     */
    private void stack(int runs, int position, int from, int to) {
        machine = new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(FRAMES * 4096L));
        assertThat(machine.allocate(1, FRAMES)).hasSize(FRAMES);
        model = new ArrayDeque<>();
        int single = 6;
        for (int run = 0; run < runs; run++) {
            if (run == position) {
                for (int mfn = to - 1; mfn >= from; mfn--) {
                    free(mfn);
                }
            } else {
                free(single);
                single += 2;
            }
        }
        assertThat(machine.freeRuns()).isEqualTo(runs);
    }

    private void free(int mfn) {
        assertThat(machine.put(mfn)).isTrue();
        model.addFirst(mfn);
    }

    private void takeAligned(int order, int expectedFirst) {
        assertThat(machine.allocateAligned(2, order)).isEqualTo(expectedFirst);
        for (int mfn = expectedFirst; mfn < expectedFirst + (1 << order); mfn++) {
            assertThat(model.remove(mfn)).isTrue();
        }
    }

    private void givesTheModelsOrder(String as) {
        assertThat(machine.freeFrames()).as(as).isEqualTo(model.size());
        assertThat(machine.countUnreferenced()).as(as).isEqualTo(model.size());
        int[] rest = machine.allocate(3, model.size());
        List<Integer> got = new ArrayList<>();
        for (int mfn : rest) {
            got.add(mfn);
        }
        assertThat(got).as(as).containsExactlyElementsOf(model);
        assertThat(machine.freeFrames()).isZero();
    }

    @Test
    void aWholeRunTakenFromAnyPositionLeavesTheOthersInOrder() {
        for (int runs = 1; runs <= MAX_RUNS; runs++) {
            for (int position = 0; position < runs; position++) {
                String as = runs + " runs, frame 0 at " + position;
                stack(runs, position, 0, 1);
                takeAligned(0, 0);
                assertThat(machine.freeRuns()).as(as).isEqualTo(runs - 1);
                givesTheModelsOrder(as);
            }
        }
    }

    @Test
    void aRunSplitAtAnyPositionGivesItsLowerPartFirst() {
        for (int runs = 1; runs <= MAX_RUNS; runs++) {
            for (int position = 0; position < runs; position++) {
                String as = runs + " runs, 1..4 at " + position;
                // Frame 0 is held, so the lowest free aligned pair is 2..3, inside the run 1..4.
                stack(runs, position, 1, 5);
                takeAligned(1, 2);
                assertThat(machine.freeRuns()).as(as).isEqualTo(runs + 1);
                givesTheModelsOrder(as);
            }
        }
    }

    @Test
    void aRunCutAtItsStartOrItsEndStaysOneRun() {
        for (int runs = 1; runs <= MAX_RUNS; runs += 3) {
            for (int position = 0; position < runs; position++) {
                String as = runs + " runs, 2..4 at " + position;
                stack(runs, position, 2, 5);
                takeAligned(1, 2);
                assertThat(machine.freeRuns()).as(as + ": cut at its start").isEqualTo(runs);
                givesTheModelsOrder(as);

                as = runs + " runs, 1..3 at " + position;
                stack(runs, position, 1, 4);
                takeAligned(1, 2);
                assertThat(machine.freeRuns()).as(as + ": cut at its end").isEqualTo(runs);
                givesTheModelsOrder(as);
            }
        }
    }
}
