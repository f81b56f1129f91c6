package org.xencommlab.api.abi.multicall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;

final class MulticallProperties {
    @Property(tries = 200)
    void anEntryRoundTrips(@ForAll long op, @ForAll long result, @ForAll @Size(6) long[] args) {
        MulticallEntry entry = new MulticallEntry(op, result, args);
        byte[] bytes = entry.encode();
        assertThat(bytes).hasSize(64);
        assertThat(LittleEndian.u64(bytes, 8)).isEqualTo(result);
        assertThat(LittleEndian.u64(bytes, 16 + 5 * 8)).isEqualTo(args[5]);
        assertThat(MulticallEntry.decode(bytes)).isEqualTo(entry);
    }

    @Property(tries = 200)
    void anyBytesDecodeAsAnEntryOrAreRefused(@ForAll @Size(max = 80) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> MulticallEntry.decode(bytes), XenErrno.EINVAL);
    }

    @Property(tries = 200)
    void aBlockRoundTrips(@ForAll @IntRange(max = 60) int n, @ForAll long seed) {
        List<MulticallEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(MulticallEntry.of(seed + i, i, seed * i, -i));
        }
        byte[] block = MulticallBlock.encode(entries);
        assertThat(MulticallBlock.decode(block, 1 << 20, n)).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(MulticallEntry.decode(block, MulticallBlock.ENTRIES_OFFSET + 64 * i)).isEqualTo(entries.get(i));
        }
    }

    @Property(tries = 300)
    void anyBytesDecodeAsABlockOrAreRefused(@ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(max = 5) int nrCalls,
            @ForAll boolean withHeader) {
        if (withHeader && bytes.length >= 16) {
            new EmbeddedBlockHeader(BlockKind.MULTICALL, bytes.length).encode(bytes, 0);
        }
        XenErrors.decodesOrRefuses(() -> assertThat(MulticallBlock.decode(bytes, 4096, nrCalls)).isEqualTo(nrCalls),
                XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 50)
    void aBlockWhoseCountDisagreesWithTheArgumentIsEinval(@ForAll @IntRange(max = 10) int n, @ForAll @IntRange(min = 1, max = 10) int delta) {
        List<MulticallEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(MulticallEntry.of(17));
        }
        byte[] block = MulticallBlock.encode(entries);
        assertThat(XenErrors.errnoOf(() -> MulticallBlock.decode(block, 4096, n + delta))).isEqualTo(XenErrno.EINVAL);
    }
}
