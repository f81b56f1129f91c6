package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

final class TestFrameStore {
    private final FrameStore store = new FrameStore(3000, 4096);

    @Test
    void unwrittenFramesReadAsZerosWithoutArrays() {
        byte[] buf = new byte[4096];
        buf[17] = 5;
        store.read(2999, 0, buf, 0, 4096);

        assertThat(buf).containsOnly(0);
        assertThat(store.readLong(1500, 4088, ByteOrder.BIG_ENDIAN)).isZero();
        assertThat(store.backedFrames()).isZero();
        assertThat(store.isBacked(2999)).isFalse();
    }

    @Test
    void writingZerosMakesNoArray() {
        store.write(7, 100, new byte[4000], 0, 3996);
        store.writeLong(8, 0, 0, ByteOrder.LITTLE_ENDIAN);

        assertThat(store.backedFrames()).isZero();
        assertThat(store.array(7)).isNull();
    }

    @Test
    void aNonZeroWriteMaterialisesOneFrame() {
        store.write(1025, 4094, new byte[] {0, 9}, 0, 2);

        assertThat(store.backedFrames()).isEqualTo(1);
        assertThat(store.isBacked(1025)).isTrue();
        assertThat(store.isBacked(1024)).isFalse();
        byte[] back = new byte[3];
        store.read(1025, 4093, back, 0, 3);
        assertThat(back).containsExactly(0, 0, 9);
    }

    @Test
    void zeroingTheWholeFrameDropsItsArrayAndAPartOnlyClearsBytes() {
        store.writeLong(3, 8, 0x0102030405060708L, ByteOrder.BIG_ENDIAN);
        store.writeLong(3, 16, -1L, ByteOrder.LITTLE_ENDIAN);
        store.zero(3, 8, 8);

        assertThat(store.isBacked(3)).isTrue();
        assertThat(store.readLong(3, 8, ByteOrder.BIG_ENDIAN)).isZero();
        assertThat(store.readLong(3, 16, ByteOrder.LITTLE_ENDIAN)).isEqualTo(-1L);

        byte[] before = store.array(3);
        store.zero(3, 0, 4096);

        assertThat(store.isBacked(3)).isFalse();
        assertThat(store.backedFrames()).isZero();
        assertThat(before).as("a dropped array is not zeroed in place (lock-free readers)").contains((byte) 0xFF);
    }

    @Test
    void discardReleasesTheArrayAndANewWriteGetsAFreshOne() {
        store.write(0, 0, new byte[] {1}, 0, 1);
        byte[] first = store.array(0);
        store.discard(0);

        assertThat(store.backedFrames()).isZero();
        store.write(0, 1, new byte[] {2}, 0, 1);

        assertThat(store.array(0)).isNotSameAs(first);
        assertThat(first[0]).isEqualTo((byte) 1);
        byte[] back = new byte[2];
        store.read(0, 0, back, 0, 2);
        assertThat(back).containsExactly(0, 2);
    }

    @Test
    void refusesFramesAndRangesOutside() {
        assertThatThrownBy(() -> store.array(3000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write(0, 4095, new byte[2], 0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.readLong(0, 4, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameStore(4, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.backedFrames()).isZero();
    }
}
