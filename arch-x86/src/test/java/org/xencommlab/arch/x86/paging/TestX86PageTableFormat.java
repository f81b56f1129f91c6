package org.xencommlab.arch.x86.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

final class TestX86PageTableFormat {
    private final X86PageTableFormat format = new X86PageTableFormat();

    @Test
    void shapeIsFourLevelsOfLittleEndianEightByteEntries() {
        assertThat(format.levels()).isEqualTo(4);
        assertThat(format.entrySize()).isEqualTo(8);
        assertThat(format.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(X86AddressSpace.PAGE_SIZE.bytes() / format.entrySize()).isEqualTo(512);
    }

    @Test
    void indexesTakeNineBitsPerLevelAboveTheOffset() {
        // PML4 1, PDPT 2, PD 3, PT 4, offset 0x567
        long va = (1L << 39) | (2L << 30) | (3L << 21) | (4L << 12) | 0x567;
        assertThat(format.indexAt(3, va)).isEqualTo(1);
        assertThat(format.indexAt(2, va)).isEqualTo(2);
        assertThat(format.indexAt(1, va)).isEqualTo(3);
        assertThat(format.indexAt(0, va)).isEqualTo(4);
        // The direct map base sits in PML4 slot 273, as on Linux.
        assertThat(format.indexAt(3, X86AddressSpace.DIRECT_MAP_BASE)).isEqualTo(273);
        assertThatThrownBy(() -> format.indexAt(4, va)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesUseTheArchitecturalBits() {
        assertThat(format.pageEntry(0x12345, false, false)).isEqualTo(0x12345_000L | 0x1);
        assertThat(format.pageEntry(0x12345, true, false)).isEqualTo(0x12345_000L | 0x3);
        assertThat(format.pageEntry(0x12345, true, true)).isEqualTo(0x12345_000L | 0x7);
        assertThat(format.tableEntry(0x42)).isEqualTo(0x42_000L | 0x7);
        assertThat(format.largePageEntry(1, 0x200, true, false)).isEqualTo(0x200_000L | 0x83);
        assertThat(format.isLargePage(format.largePageEntry(2, 1L << 18, false, false))).isTrue();
        assertThat(format.isLargePage(format.tableEntry(1))).isFalse();
    }

    @Test
    void notPresentEntriesKeepThePayloadAndNeverLookPresent() {
        long entry = format.notPresentEntry(X86PageTableFormat.MAX_PAYLOAD);
        assertThat(format.isPresent(entry)).isFalse();
        assertThat(format.decodePayload(entry)).isEqualTo(X86PageTableFormat.MAX_PAYLOAD);
        assertThat(format.notPresentEntry(0)).isZero();
        assertThat(format.notPresentEntry(5)).isEqualTo(10);
    }

    @Test
    void refusesWhatDoesNotFit() {
        assertThatThrownBy(() -> format.pageEntry(X86PageTableFormat.MAX_FRAME + 1, true, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.tableEntry(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.notPresentEntry(1L << 48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.notPresentEntry(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.largePageEntry(1, 0x201, true, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.largePageEntry(0, 0x200, true, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void layoutIsLinuxsFourLevelLayout() {
        var layout = X86AddressSpace.LAYOUT;
        assertThat(layout.userEnd()).isEqualTo(0x7fff_ffff_f000L);
        assertThat(layout.kernelDirectMapBase()).isEqualTo(0xffff_8880_0000_0000L);
        assertThat(layout.isCanonical(0x7fff_ffff_ffffL)).isTrue();
        assertThat(layout.isCanonical(0x8000_0000_0000L)).isFalse();
        assertThat(layout.isCanonical(0xffff_8000_0000_0000L)).isTrue();
        assertThat(layout.isCanonical(0xfff7_8000_0000_0000L)).isFalse();
        assertThat(layout.isUserRange(X86AddressSpace.USER_START, 4096)).isTrue();
        assertThat(layout.isUserRange(layout.userEnd() - 4096, 4097)).isFalse();
        assertThat(layout.kernelAddressOf(0x1000)).isEqualTo(0xffff_8880_0000_1000L);
    }
}
