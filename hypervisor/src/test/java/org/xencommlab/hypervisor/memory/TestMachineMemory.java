package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

final class TestMachineMemory {
    private final MachineMemory machine =
            new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(16 * 4096));

    @Test
    void framesAreBackedOnlyWhenWritten() {
        int[] mfns = machine.allocate(1, 4);
        byte[] buf = new byte[4096];
        buf[0] = 1;
        machine.read(mfns[0], 0, buf, 0, 4096);
        assertThat(buf).containsOnly(0);
        assertThat(machine.backedFrames()).isZero();

        machine.write(mfns[1], 4000, new byte[] {7, 8, 9}, 0, 3);
        assertThat(machine.backedFrames()).isEqualTo(1);
        byte[] back = new byte[3];
        machine.read(mfns[1], 4000, back, 0, 3);
        assertThat(back).containsExactly(7, 8, 9);
    }

    @Test
    void allocatesInDeterministicOrderAndAllOrNothing() {
        assertThat(machine.allocate(1, 3)).containsExactly(0, 1, 2);
        assertThat(machine.allocate(2, 14)).isNull();
        assertThat(machine.freeFrames()).isEqualTo(13);
        assertThat(machine.countOwnedBy(2)).isZero();
        assertThat(machine.allocate(2, 13)).hasSize(13);
        assertThat(machine.freeFrames()).isZero();
        assertThat(machine.countOwnedBy(1)).isEqualTo(3);
        assertThat(machine.countOwnedBy(2)).isEqualTo(13);
    }

    @Test
    void anAlignedAllocationTakesTheLowestFreeAlignedRunAndKeepsTheFreeOrder() {
        assertThat(machine.allocate(1, 1)).containsExactly(0);
        assertThat(machine.allocateAligned(2, 2)).as("0..3 holds frame 0").isEqualTo(4);
        assertThat(machine.owner(7)).isEqualTo(2);
        assertThat(machine.freeFrames()).isEqualTo(11);
        assertThat(machine.allocateAligned(2, 4)).as("no free aligned run of 16").isEqualTo(-1);
        assertThat(machine.freeFrames()).isEqualTo(11);
        assertThat(machine.allocate(3, 4)).as("the rest keep their order").containsExactly(1, 2, 3, 8);
        assertThat(machine.countUnreferenced()).isEqualTo(machine.freeFrames());
    }

    @Test
    void frameIsFreedOnlyWhenItsLastReferenceDrops() {
        int mfn = machine.allocate(3, 1)[0];
        assertThat(machine.get(mfn, 4)).as("another domain cannot take a reference").isFalse();
        assertThat(machine.get(mfn, 3)).isTrue();
        assertThat(machine.refCount(mfn)).isEqualTo(2);
        assertThat(machine.put(mfn)).isFalse();
        assertThat(machine.owner(mfn)).isEqualTo(3);
        assertThat(machine.put(mfn)).isTrue();
        assertThat(machine.owner(mfn)).isEqualTo(MachineMemory.NO_OWNER);
        assertThat(machine.refCount(mfn)).isZero();
        assertThat(machine.get(mfn, 3)).as("a free frame cannot be pinned").isFalse();
        assertThatThrownBy(() -> machine.put(mfn)).isInstanceOf(IllegalStateException.class);
        assertThat(machine.countUnreferenced()).isEqualTo(machine.freeFrames());
    }

    @Test
    void freedFrameIsScrubbedBeforeReuse() {
        int mfn = machine.allocate(1, 1)[0];
        byte[] secret = new byte[4096];
        java.util.Arrays.fill(secret, (byte) 0x5A);
        machine.write(mfn, 0, secret, 0, 4096);
        machine.put(mfn);
        assertThat(machine.scrubbedFrames()).isEqualTo(1);
        int again = machine.allocate(2, 1)[0];
        assertThat(again).as("a freed frame is reused first").isEqualTo(mfn);
        byte[] seen = new byte[4096];
        machine.read(again, 0, seen, 0, 4096);
        assertThat(seen).containsOnly(0);
        assertThat(machine.backedFrames()).isZero();
    }

    @Test
    void reclaimDropsLeftoverPins() {
        int mfn = machine.allocate(1, 1)[0];
        machine.get(mfn, 1);
        machine.get(mfn, 1);
        assertThat(machine.reclaim(mfn)).isEqualTo(2);
        assertThat(machine.refCount(mfn)).isZero();
        assertThat(machine.freeFrames()).isEqualTo(16);
    }

    @Test
    void wordsHonourByteOrder() {
        int mfn = machine.allocate(1, 1)[0];
        machine.writeLong(mfn, 8, 0x0102030405060708L, ByteOrder.BIG_ENDIAN);
        byte[] raw = new byte[8];
        machine.read(mfn, 8, raw, 0, 8);
        assertThat(raw).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(machine.readLong(mfn, 8, ByteOrder.LITTLE_ENDIAN)).isEqualTo(0x0807060504030201L);
        assertThat(machine.readLong(mfn, 16, ByteOrder.BIG_ENDIAN)).isZero();
        assertThatThrownBy(() -> machine.readLong(mfn, 4, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.readLong(mfn, 4096, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesRangesOutsideOneFrame() {
        int mfn = machine.allocate(1, 1)[0];
        assertThatThrownBy(() -> machine.write(mfn, 4095, new byte[2], 0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.read(mfn, -1, new byte[2], 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.zero(mfn, 0, 4097)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizesFramesByTheArchPageSize() {
        MachineMemory big = new MachineMemory(new PageSize(65536), HypervisorConfig.defaults().withMachineMemoryBytes(1 << 20));
        assertThat(big.frameCount()).isEqualTo(16);
        int mfn = big.allocate(0, 1)[0];
        big.write(mfn, 65535, new byte[] {42}, 0, 1);
        byte[] one = new byte[1];
        big.read(mfn, 65535, one, 0, 1);
        assertThat(one[0]).isEqualTo((byte) 42);
    }
}
