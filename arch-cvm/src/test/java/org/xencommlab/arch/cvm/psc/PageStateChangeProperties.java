package org.xencommlab.arch.cvm.psc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/** The page-state change parser against hostile bytes: it accepts exactly the well-formed, and refuses the rest with EINVAL. */
final class PageStateChangeProperties {
    @Property
    void anyHeaderBytesParseOrAreEinval(@ForAll @Size(max = 16) byte[] bytes) {
        try {
            PageStateChange.PscHeader header = PageStateChange.parseHeader(bytes);
            assertThat(bytes.length).isGreaterThanOrEqualTo(8);
            assertThat(header.endEntry()).isBetween(0, 252);
            assertThat(header.curEntry()).isBetween(0, header.endEntry() + 1);
            assertThat(LittleEndian.u32(bytes, 4)).isZero();
            assertThat(header.curEntry()).isEqualTo(LittleEndian.u16(bytes, 0));
        } catch (XenException e) {
            assertThat(e.errno()).isEqualTo(XenErrno.EINVAL);
        }
    }

    @Property
    void anyEntryWordParsesToWhatItEncodesOrIsEinval(@ForAll long word) {
        try {
            PageStateChange.PscEntry entry = PageStateChange.parseEntry(word);
            assertThat(PageStateChange.encodeEntry(entry)).isEqualTo(word);
        } catch (XenException e) {
            assertThat(e.errno()).isEqualTo(XenErrno.EINVAL);
        }
    }

    @Property
    void everyWellFormedEntryRoundTrips(@ForAll @LongRange(min = 0, max = (1L << 40) - 1) long gfn, @ForAll @IntRange(min = 1, max = 2) int op) {
        PageStateChange.PscEntry entry = new PageStateChange.PscEntry(gfn, op);
        assertThat(PageStateChange.parseEntry(PageStateChange.encodeEntry(entry))).isEqualTo(entry);
    }

    @Property
    void aSetReservedBitOrA2MibPageIsRefused(@ForAll @LongRange(min = 0, max = (1L << 40) - 1) long gfn, @ForAll @IntRange(min = 56, max = 63) int bit) {
        long word = PageStateChange.encodeEntry(new PageStateChange.PscEntry(gfn, PageStateChange.OP_SHARED)) | (1L << bit);
        assertThatThrownBy(() -> PageStateChange.parseEntry(word))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
    }

    @Property
    void encodedRequestsCarryAnInclusiveEndAndParseBack(@ForAll @IntRange(min = 1, max = 253) int n) {
        List<PageStateChange.PscEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new PageStateChange.PscEntry(1000 + i, i % 2 == 0 ? PageStateChange.OP_SHARED : PageStateChange.OP_PRIVATE));
        }
        byte[] bytes = PageStateChange.encode(entries);

        assertThat(bytes).hasSize(8 + 8 * n);
        assertThat(bytes.length).isLessThanOrEqualTo(PageStateChange.MAX_BYTES);
        PageStateChange.PscHeader header = PageStateChange.parseHeader(bytes);
        assertThat(header).isEqualTo(new PageStateChange.PscHeader(0, n - 1));
        for (int i = 0; i < n; i++) {
            assertThat(PageStateChange.parseEntry(LittleEndian.u64(bytes, 8 + 8 * i))).isEqualTo(entries.get(i));
        }
    }

    @Property
    void batchesCutAtTheLimit(@ForAll @IntRange(min = 0, max = 800) int n) {
        long[] gfns = new long[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = i;
        }
        List<List<PageStateChange.PscEntry>> batches = PageStateChange.batches(gfns, PageStateChange.OP_SHARED);

        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 253));
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(n);
        assertThat(batches).hasSize((n + 252) / 253);
    }
}
