package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The frame store's own limits: an empty store, the smallest frame, frames outside the store. */
final class TestFrameStoreBounds {
    @Test
    void aStoreMayHaveNoFramesButNotANegativeCount() {
        FrameStore empty = new FrameStore(0, 4096);
        assertThat(empty.frameCount()).isZero();
        assertThat(empty.backedFrames()).isZero();
        assertThatThrownBy(() -> empty.array(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameStore(-1, 4096)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSmallestFrameIsOneWord() {
        FrameStore words = new FrameStore(3, 8);
        assertThat(words.frameBytes()).isEqualTo(8);
        assertThat(words.frameCount()).isEqualTo(3);
        words.writeLong(2, 0, 0x1122_3344_5566_7788L, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(words.readLong(2, 0, java.nio.ByteOrder.LITTLE_ENDIAN)).isEqualTo(0x1122_3344_5566_7788L);
        assertThatThrownBy(() -> new FrameStore(1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameStore(1, 24)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new FrameStore(1, 16).frameBytes()).isEqualTo(16);
    }

    @Test
    void discardRefusesAFrameOutsideTheStore() {
        FrameStore store = new FrameStore(10, 4096);
        store.write(9, 0, new byte[] {1}, 0, 1);
        assertThatThrownBy(() -> store.discard(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.discard(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.isBacked(9)).isTrue();
        store.discard(9);
        assertThat(store.isBacked(9)).isFalse();
        assertThat(store.backedFrames()).isZero();
    }
}
