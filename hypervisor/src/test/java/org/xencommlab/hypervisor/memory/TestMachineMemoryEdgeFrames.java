package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The frame just past the machine's end is nobody's even when every frame of the machine is
 * allocated (its accounting chunk then says "owned, one reference" for all its frames), and the
 * accounting stays compact: a chunk allocated or freed as a whole costs no per-frame table.
 */
final class TestMachineMemoryEdgeFrames {
    /** Not a multiple of the accounting chunk (1024 frames): the last chunk is partial. */
    private static final int FRAMES = 1024 + 100;

    private final MachineMemory machine =
            new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(FRAMES * 4096L));

    @Test
    void theFramePastAFullMachineIsNobodys() {
        assertThat(machine.allocate(1, FRAMES)).hasSize(FRAMES);
        assertThat(machine.owner(FRAMES - 1)).isEqualTo(1);
        assertThat(machine.refCount(FRAMES - 1)).isEqualTo(1);
        assertThat(machine.owner(FRAMES)).isEqualTo(MachineMemory.NO_OWNER);
        assertThat(machine.refCount(FRAMES)).isZero();
        assertThat(machine.get(FRAMES, 1)).isFalse();
        assertThatThrownBy(() -> machine.put(FRAMES)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.reclaim(FRAMES)).isInstanceOf(IllegalStateException.class);
        assertThat(machine.countOwnedBy(1)).isEqualTo(FRAMES);
    }

    @Test
    void aChunkPartlyAllocatedFrameByFrameIsCompactAgainOnceAllItsFramesAreFree() {
        int[] few = machine.allocate(1, 3);
        assertThat(machine.explicitAccountingChunks()).isEqualTo(1);
        for (int mfn : few) {
            assertThat(machine.put(mfn)).isTrue();
        }
        assertThat(machine.explicitAccountingChunks()).as("chunk 0 all free again").isZero();
        int[] tail = machine.allocate(1, 2);
        assertThat(tail).as("the last freed first").containsExactly(2, 1);
        machine.put(tail[1]);
        machine.put(tail[0]);
        assertThat(machine.explicitAccountingChunks()).isZero();
        assertThat(machine.countUnreferenced()).isEqualTo(FRAMES);
    }

    @Test
    void chunksAllocatedOrFreedWholeAreCompactAgain() {
        assertThat(machine.explicitAccountingChunks()).as("all free").isZero();
        int[] all = machine.allocate(1, FRAMES);
        assertThat(machine.explicitAccountingChunks()).as("allocated as one run").isZero();
        assertThat(machine.put(all[5])).isTrue();
        assertThat(machine.explicitAccountingChunks()).as("one frame of chunk 0 differs").isEqualTo(1);
        assertThat(machine.put(all[1030])).isTrue();
        assertThat(machine.explicitAccountingChunks()).as("and one of the partial chunk").isEqualTo(2);
        for (int mfn : all) {
            if (mfn >= 1024 && mfn != 1030) {
                machine.put(mfn);
            }
        }
        assertThat(machine.explicitAccountingChunks()).as("the partial chunk all free again").isEqualTo(1);
        for (int mfn : all) {
            if (mfn < 1024 && mfn != 5) {
                machine.put(mfn);
            }
        }
        assertThat(machine.explicitAccountingChunks()).as("every chunk free again").isZero();
        assertThat(machine.freeFrames()).isEqualTo(FRAMES);
        assertThat(machine.countUnreferenced()).isEqualTo(FRAMES);

        int first = machine.allocateAligned(2, 10);
        assertThat(first).isZero();
        assertThat(machine.explicitAccountingChunks()).as("a whole chunk taken as one aligned run").isZero();
        assertThat(machine.allocate(2, 3)).hasSize(3);
        assertThat(machine.explicitAccountingChunks()).as("three frames of the partial chunk").isEqualTo(1);
    }
}
