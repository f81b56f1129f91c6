package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The free pool kept as runs hands out frames in exactly the order of a stack of single frames
 * (lowest first at boot, the last freed first), through allocations, frees and aligned allocations.
 */
final class MachineMemoryFreeStackProperties {
    /** Two whole accounting chunks of 1024 frames and a partial one. */
    private static final int FRAMES = 2600;

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 999).list().ofMaxSize(80);
    }

    @Property(tries = 60)
    void runsGiveTheOrderOfAStackOfFrames(@ForAll("steps") List<Integer> steps) {
        MachineMemory machine = new MachineMemory(PageSize.SIZE_4K,
                HypervisorConfig.defaults().withMachineMemoryBytes(FRAMES * 4096L));
        Deque<Integer> model = new ArrayDeque<>();
        for (int mfn = 0; mfn < FRAMES; mfn++) {
            model.addLast(mfn); // the head is the top
        }
        List<Integer> held = new ArrayList<>();
        for (int step : steps) {
            int choice = step % 3;
            if (choice == 0) {
                int count = step % 5 == 4 ? 300 + step % 900 : step % 5;
                int[] got = machine.allocate(1, count);
                if (count > model.size()) {
                    assertThat(got).isNull();
                } else {
                    for (int mfn : got) {
                        assertThat(mfn).isEqualTo(model.removeFirst());
                        held.add(mfn);
                    }
                }
            } else if (choice == 1 && !held.isEmpty()) {
                int mfn = held.remove(step % held.size());
                assertThat(machine.put(mfn)).isTrue();
                model.addFirst(mfn);
            } else if (choice == 2) {
                int order = step % 7 == 6 ? 10 : step % 3;
                int first = machine.allocateAligned(1, order);
                int expected = -1;
                for (int base = 0; base + (1 << order) <= FRAMES && expected < 0; base += 1 << order) {
                    boolean allFree = true;
                    for (int f = base; f < base + (1 << order); f++) {
                        allFree &= model.contains(f);
                    }
                    expected = allFree ? base : -1;
                }
                assertThat(first).isEqualTo(expected);
                if (first >= 0) {
                    for (int f = first; f < first + (1 << order); f++) {
                        model.remove(f);
                        held.add(f);
                    }
                }
            }
            assertThat(machine.freeFrames()).isEqualTo(model.size());
            assertThat(machine.countUnreferenced()).isEqualTo(model.size());
            assertThat(machine.countOwnedBy(1)).isEqualTo(held.size());
            for (int mfn : held) {
                assertThat(machine.owner(mfn)).isEqualTo(1);
                assertThat(machine.refCount(mfn)).isEqualTo(1);
            }
        }
        if (!held.isEmpty()) {
            int pinned = held.get(0);
            assertThat(machine.get(pinned, 1)).isTrue();
            assertThat(machine.refCount(pinned)).isEqualTo(2);
            assertThat(machine.put(pinned)).isFalse();
            assertThat(machine.refCount(pinned)).isEqualTo(1);
        }
        List<Integer> rest = new ArrayList<>();
        int[] all = machine.allocate(2, model.size());
        for (int mfn : all) {
            rest.add(mfn);
        }
        assertThat(rest).containsExactlyElementsOf(model);
    }
}
