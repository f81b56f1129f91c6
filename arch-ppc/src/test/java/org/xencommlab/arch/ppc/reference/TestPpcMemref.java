package org.xencommlab.arch.ppc.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class TestPpcMemref {
    @Test
    void fieldsSitWhereTheJavadocSays() {
        long bufid = PpcMemref.bufid(1, 3);
        assertThat(bufid).isEqualTo(0x0000_1000_0300_0000L);
        long ref = PpcMemref.withOffset(bufid, 0xABCDEF);
        assertThat(ref).isEqualTo(0x0000_1000_03AB_CDEFL);
        assertThat(PpcMemref.generation(ref)).isEqualTo(1);
        assertThat(PpcMemref.index(ref)).isEqualTo(3);
        assertThat(PpcMemref.offset(ref)).isEqualTo(0xABCDEF);
        assertThat(PpcMemref.bufidOf(ref)).isEqualTo(bufid);
        assertThat(PpcMemref.isInline(ref)).isFalse();

        long max = PpcMemref.bufid(PpcMemref.MAX_GENERATION, PpcMemref.MAX_INDEX - 1);
        assertThat(max).isEqualTo(0x7FFF_FFFF_FF00_0000L);
        assertThat(max).isPositive();
    }

    @Test
    void limitsCoverTheLargestBuffer() {
        assertThat(PpcMemref.MAX_BUFFER_BYTES).isEqualTo(16L << 20);
        assertThat(PpcMemref.MAX_BUFFER_PAGES).isEqualTo(4096);
        assertThat(PpcMemref.OFFSET_BITS + PpcMemref.INDEX_BITS + PpcMemref.GENERATION_BITS).isEqualTo(63);
        assertThatThrownBy(() -> PpcMemref.withOffset(PpcMemref.bufid(1, 0), PpcMemref.MAX_BUFFER_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PpcMemref.bufid(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inlineReferencesCarryAPhysicalAddressUnderBit63() {
        long ref = PpcMemref.inline(0x1234_5678L);
        assertThat(ref).isEqualTo(0x8000_0000_1234_5678L);
        assertThat(PpcMemref.isInline(ref)).isTrue();
        assertThat(PpcMemref.inlineAddress(ref)).isEqualTo(0x1234_5678L);
        assertThatThrownBy(() -> PpcMemref.inline(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGenerationNeverWrapsTheSlotIsRetiredInstead() {
        assertThat(PpcMemref.nextGeneration(1)).isEqualTo(2);
        assertThat(PpcMemref.nextGeneration(PpcMemref.MAX_GENERATION)).isEqualTo(PpcMemref.RETIRED);
        assertThat(PpcMemref.MAX_INDEX).as("a million slots").isGreaterThanOrEqualTo(1_000_000);
    }
}
