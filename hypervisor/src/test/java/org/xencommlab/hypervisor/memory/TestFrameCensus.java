package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/** The audit's bulk reads of the frame table: all owners in one pass, and runs checked at once. */
final class TestFrameCensus {
    private static final int PAGE = 4096;

    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K,
            HypervisorConfig.defaults().withMachineMemoryBytes(3000L * PAGE));

    @Test
    void countingEveryOwnerAtOnceEqualsCountingEachAlone() {
        machine.allocate(1, 1500); // whole chunks and part of one
        int[] two = machine.allocate(2, 7);
        machine.allocate(4, 600);
        machine.put(two[3]);
        machine.allocate(1, 1); // the freed frame, inside a chunk with other owners
        int[] domids = {0, 1, 2, 3, 4, 5};
        int[] counts = machine.countOwnedByEach(domids);
        for (int i = 0; i < domids.length; i++) {
            assertThat(counts[i]).as("d" + domids[i]).isEqualTo(machine.countOwnedBy(domids[i]));
        }
        assertThat(counts).containsExactly(0, 1501, 6, 0, 600, 0);
        assertThat(machine.countOwnedByEach(new int[0])).isEmpty();
    }

    @Test
    void domidsOutOfOrderAreRefused() {
        assertThatThrownBy(() -> machine.countOwnedByEach(new int[] {2, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.countOwnedByEach(new int[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunIsHeldOnlyIfEveryFrameIsOwnedAndReferenced() {
        int[] frames = machine.allocate(1, 2100); // across three chunks of the table
        int first = frames[0];
        machine.inspect(f -> {
            assertThat(f.pinnedIfAllHeldBy(1, first, 2100)).isZero();
            assertThat(f.pinnedIfAllHeldBy(2, first, 2100)).isEqualTo(-1);
            assertThat(f.pinnedIfAllHeldBy(1, first, 2101)).as("one frame more is free").isEqualTo(-1);
            assertThat(f.pinnedIfAllHeldBy(1, -1, 2)).isEqualTo(-1);
            assertThat(f.pinnedIfAllHeldBy(1, 2999, 2)).as("past the machine").isEqualTo(-1);
            assertThat(f.pinnedIfAllHeldBy(1, first, 0)).isEqualTo(-1);
            assertThat(f.owner(first + 5)).isEqualTo(1);
            assertThat(f.refCount(first + 5)).isEqualTo(1);
            assertThat(f.owner(3000)).isEqualTo(MachineMemory.NO_OWNER);
            assertThat(f.refCount(-1)).isZero();
        });
        assertThat(machine.get(frames[1030], 1)).isTrue();
        assertThat(machine.get(frames[2099], 1)).isTrue();
        machine.inspect(f -> {
            assertThat(f.pinnedIfAllHeldBy(1, first, 2100)).isEqualTo(2);
            assertThat(f.pinnedIfAllHeldBy(1, first, 1030)).isZero();
        });
        machine.put(frames[1030]);
        machine.put(frames[1030]); // freed: the run is no longer held
        machine.inspect(f -> assertThat(f.pinnedIfAllHeldBy(1, first, 2100)).isEqualTo(-1));
    }

    @Test
    void freeFramesAreNeverHeldNotEvenByTheFreeOwner() {
        machine.inspect(f -> {
            assertThat(f.pinnedIfAllHeldBy(MachineMemory.NO_OWNER, 0, 1024)).isEqualTo(-1);
            assertThat(f.pinnedIfAllHeldBy(MachineMemory.NO_OWNER, 5, 1)).isEqualTo(-1);
        });
        int[] mine = machine.allocate(1, 1);
        machine.inspect(f -> assertThat(f.pinnedIfAllHeldBy(MachineMemory.NO_OWNER, mine[0] + 1, 3)).isEqualTo(-1));
    }

    @Test
    void anInspectorCannotBeUsedAfterItsCall() {
        AtomicReference<MachineMemory.FrameInspector> kept = new AtomicReference<>();
        machine.inspect(kept::set);
        assertThatThrownBy(() -> kept.get().owner(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kept.get().pinnedIfAllHeldBy(1, 0, 1)).isInstanceOf(IllegalStateException.class);
    }
}
