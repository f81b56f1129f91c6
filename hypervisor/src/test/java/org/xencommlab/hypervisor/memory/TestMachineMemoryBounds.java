package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/** Machine memory at the edges of its bounds: its size, frame numbers, aligned runs, ranges and words. */
class TestMachineMemoryBounds {
    private final MachineMemory machine =
            new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(16 * 4096));

    @Test
    void aMachineHasAtLeastOneFrame() {
        assertThat(new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(4096)).frameCount()).isEqualTo(1);
        assertThatThrownBy(() -> new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(4095)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(1L << 60)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void framesOutsideTheMachineAreNobodysAndCannotBeReferenced() {
        assertThat(machine.refCount(-1)).isZero();
        assertThat(machine.refCount(16)).isZero();
        assertThat(machine.owner(-1)).isEqualTo(MachineMemory.NO_OWNER);
        assertThat(machine.owner(16)).isEqualTo(MachineMemory.NO_OWNER);
        assertThat(machine.get(16, 1)).isFalse();
        assertThat(machine.get(-1, 1)).isFalse();
        assertThatThrownBy(() -> machine.put(16)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.reclaim(-1)).isInstanceOf(IllegalStateException.class);
        int last = machine.allocate(1, 16)[15];
        assertThat(machine.refCount(last)).isEqualTo(1);
        assertThat(machine.get(last, 1)).isTrue();
        assertThat(machine.refCount(last)).isEqualTo(2);
    }

    @Test
    void anAlignedRunMayFillTheWholeMachine() {
        assertThat(machine.allocateAligned(0, 4)).isZero();
        assertThat(machine.freeFrames()).isZero();
        assertThat(machine.owner(15)).isZero();
        assertThat(machine.allocateAligned(0, 0)).isEqualTo(-1);
    }

    @Test
    void anAlignedRunLooksOnlyAtItsOwnFrames() {
        int[] all = machine.allocate(1, 16);
        for (int mfn : all) {
            if (mfn < 4) {
                machine.put(mfn);
            }
        }
        // Frames 0..3 are free, frame 4 is not: the run of four at 0 is free.
        assertThat(machine.allocateAligned(2, 2)).isZero();
        assertThat(machine.owner(3)).isEqualTo(2);
        assertThat(machine.owner(4)).isEqualTo(1);
    }

    @Test
    void theLargestOrderIsThirtyAndTheDomainMustBeValid() {
        assertThat(machine.allocateAligned(0, 30)).as("larger than the machine").isEqualTo(-1);
        assertThatThrownBy(() -> machine.allocateAligned(0, 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.allocateAligned(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.allocateAligned(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(machine.allocateAligned(0, 0)).isZero();
    }

    @Test
    void aRangeMayEndExactlyAtTheEndOfItsFrame() {
        int mfn = machine.allocate(1, 1)[0];
        machine.write(mfn, 4095, new byte[] {9}, 0, 1);
        byte[] whole = new byte[4096];
        machine.read(mfn, 0, whole, 0, 4096);
        assertThat(whole[4095]).isEqualTo((byte) 9);
        machine.zero(mfn, 0, 4096);
        machine.read(mfn, 4095, whole, 0, 1);
        assertThat(whole[0]).isZero();
        assertThatThrownBy(() -> machine.read(mfn, 0, whole, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wordsAreAlignedAndInsideTheirFrameForWritesToo() {
        int mfn = machine.allocate(1, 1)[0];
        machine.writeLong(mfn, 4088, 0x55L, ByteOrder.LITTLE_ENDIAN);
        assertThat(machine.readLong(mfn, 4088, ByteOrder.LITTLE_ENDIAN)).isEqualTo(0x55L);
        assertThatThrownBy(() -> machine.writeLong(mfn, 4, 1L, ByteOrder.LITTLE_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.writeLong(mfn, 4092, 1L, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.writeLong(mfn, -8, 1L, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
        byte[] raw = new byte[8];
        machine.read(mfn, 0, raw, 0, 8);
        assertThat(raw).as("a refused word wrote nothing").containsOnly(0);
    }

    @Test
    void anEmptyRangeIsInsideAnyFrame() {
        int mfn = machine.allocate(1, 1)[0];
        byte[] none = new byte[0];
        // Each would throw IllegalArgumentException if an empty range were refused.
        machine.read(mfn, 0, none, 0, 0);
        machine.write(mfn, 4096, none, 0, 0);
        machine.zero(mfn, 17, 0);
    }
}
