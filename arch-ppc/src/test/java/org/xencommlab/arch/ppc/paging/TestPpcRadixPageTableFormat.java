package org.xencommlab.arch.ppc.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.paging.AddressSpaceLayout;

final class TestPpcRadixPageTableFormat {
    private final PpcRadixPageTableFormat format = new PpcRadixPageTableFormat();

    @Test
    void entriesAreBigEndianRadixPtes() {
        assertThat(format.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(format.levels()).isEqualTo(4);
        assertThat(format.entrySize()).isEqualTo(8);
        long pte = format.pageEntry(0x12345, true, true);
        assertThat(pte).isEqualTo(0xC000_0000_1234_5186L);
        assertThat(format.isPresent(pte)).isTrue();
        assertThat(format.isWritable(pte)).isTrue();
        assertThat(format.isUser(pte)).isTrue();
        assertThat(format.decodeFrame(pte)).isEqualTo(0x12345);

        long kernelReadOnly = format.pageEntry(7, false, false);
        assertThat(format.isWritable(kernelReadOnly)).isFalse();
        assertThat(format.isUser(kernelReadOnly)).isFalse();
        assertThat(kernelReadOnly & PpcRadixPageTableFormat.PRIVILEGED).isNotZero();

        long pde = format.tableEntry(0x777);
        assertThat(pde).isEqualTo(0x8000_0000_0077_7009L);
        assertThat(format.isPresent(pde)).isTrue();
        assertThat(format.decodeFrame(pde)).isEqualTo(0x777);
    }

    @Test
    void notPresentEntriesCarryTheirPayloadAndAreNeverEmpty() {
        for (long payload : new long[] {0, 1, 0xABCDEF, PpcRadixPageTableFormat.PAYLOAD_MASK}) {
            long entry = format.notPresentEntry(payload);
            assertThat(format.isPresent(entry)).isFalse();
            assertThat(entry).isNotZero();
            assertThat(format.decodePayload(entry)).isEqualTo(payload);
        }
        assertThatThrownBy(() -> format.notPresentEntry(1L << 48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.pageEntry(-1, true, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.pageEntry(1L << 45, true, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexesSplitQuadrantsZeroAndThree() {
        long user = 0x0000_7FFF_FFFF_F000L;
        assertThat(format.indexAt(3, user)).isEqualTo(0xFF);
        assertThat(format.indexAt(2, user)).isEqualTo(0x1FF);
        assertThat(format.indexAt(1, user)).isEqualTo(0x1FF);
        assertThat(format.indexAt(0, user)).isEqualTo(0x1FF);
        long kernel = PpcAddressSpace.KERNEL_DIRECT_MAP_BASE + 0x40_1000L;
        assertThat(format.indexAt(3, kernel)).isEqualTo(0x100);
        assertThat(format.indexAt(1, kernel)).isEqualTo(2);
        assertThat(format.indexAt(0, kernel)).isEqualTo(1);
        assertThat(format.indexAt(3, 0x1000_0000L)).isEqualTo(0);
        assertThatThrownBy(() -> format.indexAt(4, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void layoutHasPpc64PageOffsetAndOnlyQuadrantsZeroAndThreeAreCanonical() {
        AddressSpaceLayout layout = PpcAddressSpace.layout();
        assertThat(layout.kernelDirectMapBase()).isEqualTo(0xc000_0000_0000_0000L);
        assertThat(layout.kernelAddressOf(0x2000)).isEqualTo(0xc000_0000_0000_2000L);
        assertThat(layout.isCanonical(0x1000_0000L)).isTrue();
        assertThat(layout.isCanonical(0xc000_0000_0000_0000L)).isTrue();
        assertThat(layout.isCanonical(0x4000_0000_0000_0000L)).isFalse();
        assertThat(layout.isCanonical(0x8000_0000_0000_0000L)).isFalse();
        assertThat(layout.isUserRange(0x1000_0000L, 4096)).isTrue();
        assertThat(layout.isUserRange(0xFFF_F000L, 4096)).isFalse();
        assertThat(layout.isUserRange((1L << 47) - 4096, 4097)).isFalse();
        assertThat(layout.isUserRange(0xc000_0000_0000_0000L, 8)).isFalse();
    }
}
