package org.xencommlab.guest.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenException;

final class TestFrameAllocator {
    private final FrameAllocator frames = new FrameAllocator(32, 24, 4);

    @Test
    void bootStateIsReservedFreeAndBallooned() {
        assertThat(frames.count(FrameUse.RESERVED)).isEqualTo(4);
        assertThat(frames.freeFrames()).isEqualTo(20);
        assertThat(frames.count(FrameUse.BALLOONED)).isEqualTo(8);
        assertThat(frames.useOf(3)).isEqualTo(FrameUse.RESERVED);
        assertThat(frames.useOf(4)).isEqualTo(FrameUse.FREE);
        assertThat(frames.useOf(24)).isEqualTo(FrameUse.BALLOONED);
        assertThat(frames.allocate(FrameUse.USER)).isEqualTo(4);
        assertThat(frames.useOf(4)).isEqualTo(FrameUse.USER);
    }

    @Test
    void theLowestBalloonedFramesComeFirstUpToTheLimit() {
        assertThat(frames.balloonedFrames(3)).containsExactly(24, 25, 26);
        assertThat(frames.balloonedFrames(100)).hasSize(8);
        assertThat(frames.balloonedFrames()).startsWith(24).hasSize(8);
    }

    @Test
    void balloonInOfARangeFreesOnlyThatRange() {
        long[] gfns = {24, 25, 26, 27};

        frames.balloonIn(gfns, 1, 3);

        assertThat(frames.useOf(24)).isEqualTo(FrameUse.BALLOONED);
        assertThat(frames.useOf(25)).isEqualTo(FrameUse.FREE);
        assertThat(frames.useOf(26)).isEqualTo(FrameUse.FREE);
        assertThat(frames.useOf(27)).isEqualTo(FrameUse.BALLOONED);
        assertThat(frames.freeFrames()).isEqualTo(22);
        assertThat(frames.count(FrameUse.BALLOONED)).isEqualTo(6);
    }

    @Test
    void aRepeatOrAFrameNotBalloonedChangesNothing() {
        assertThatThrownBy(() -> frames.balloonIn(new long[] {24, 25, 24})).isInstanceOf(XenException.class)
                .hasMessageContaining("0x18");
        assertThatThrownBy(() -> frames.balloonIn(new long[] {26, 5})).isInstanceOf(XenException.class);
        assertThatThrownBy(() -> frames.balloonIn(new long[] {27, 99})).isInstanceOf(XenException.class);

        assertThat(frames.count(FrameUse.BALLOONED)).isEqualTo(8);
        assertThat(frames.freeFrames()).isEqualTo(20);
        for (long gfn = 24; gfn < 32; gfn++) {
            assertThat(frames.useOf(gfn)).isEqualTo(FrameUse.BALLOONED);
        }
    }
}
