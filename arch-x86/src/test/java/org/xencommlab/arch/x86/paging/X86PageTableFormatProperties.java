package org.xencommlab.arch.x86.paging;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

final class X86PageTableFormatProperties {
    private final X86PageTableFormat format = new X86PageTableFormat();

    @Property(tries = 300)
    void pageEntriesRoundTrip(@ForAll @LongRange(min = 0, max = X86PageTableFormat.MAX_FRAME) long gfn,
            @ForAll boolean writable, @ForAll boolean user) {
        long entry = format.pageEntry(gfn, writable, user);
        assertThat(format.isPresent(entry)).isTrue();
        assertThat(format.decodeFrame(entry)).isEqualTo(gfn);
        assertThat(format.isWritable(entry)).isEqualTo(writable);
        assertThat(format.isUser(entry)).isEqualTo(user);
        assertThat(format.isLargePage(entry)).isFalse();
    }

    @Property(tries = 300)
    void tableEntriesRoundTrip(@ForAll @LongRange(min = 0, max = X86PageTableFormat.MAX_FRAME) long gfn) {
        long entry = format.tableEntry(gfn);
        assertThat(format.isPresent(entry)).isTrue();
        assertThat(format.isWritable(entry)).isTrue();
        assertThat(format.decodeFrame(entry)).isEqualTo(gfn);
    }

    @Property(tries = 300)
    void notPresentEntriesRoundTrip(@ForAll @LongRange(min = 0, max = X86PageTableFormat.MAX_PAYLOAD) long payload) {
        long entry = format.notPresentEntry(payload);
        assertThat(format.isPresent(entry)).isFalse();
        assertThat(format.decodePayload(entry)).isEqualTo(payload);
    }

    @Property(tries = 300)
    void indexesAndOffsetRebuildAnyCanonicalAddress(@ForAll long anything) {
        long va = (anything << 16) >> 16; // sign-extend bit 47: canonical
        long rebuilt = va & 0xfff;
        for (int level = 0; level < format.levels(); level++) {
            int index = format.indexAt(level, va);
            assertThat(index).isBetween(0, 511);
            rebuilt |= (long) index << X86PageTableFormat.shiftOf(level);
        }
        assertThat((rebuilt << 16) >> 16).isEqualTo(va);
        assertThat(X86AddressSpace.LAYOUT.isCanonical(va)).isTrue();
    }
}
