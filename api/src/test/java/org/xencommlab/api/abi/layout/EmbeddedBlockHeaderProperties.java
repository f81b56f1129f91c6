package org.xencommlab.api.abi.layout;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.errno.XenErrno;

final class EmbeddedBlockHeaderProperties {
    @Property(tries = 300)
    void anyBytesDecodeOrAreRefused(@ForAll @Size(max = 40) byte[] bytes, @ForAll BlockKind kind) {
        XenErrors.decodesOrRefuses(() -> {
            EmbeddedBlockHeader header = EmbeddedBlockHeader.decode(bytes, 0, kind, EmbeddedBlockHeader.DEFAULT_MAX_BLOCK);
            assertThat(header.length()).isBetween(EmbeddedBlockHeader.SIZE, EmbeddedBlockHeader.DEFAULT_MAX_BLOCK);
        }, XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 200)
    void aHeaderRoundTrips(@ForAll BlockKind kind, @ForAll @IntRange(min = 16, max = 4096) int length) {
        byte[] bytes = new byte[16];
        new EmbeddedBlockHeader(kind, length).encode(bytes, 0);
        assertThat(EmbeddedBlockHeader.decode(bytes, 0, kind, 4096)).isEqualTo(new EmbeddedBlockHeader(kind, length));
    }

    @Property(tries = 100)
    void anOversizedBlockIsE2big(@ForAll BlockKind kind, @ForAll @IntRange(min = 4097, max = 1 << 24) int length) {
        byte[] bytes = new byte[16];
        new EmbeddedBlockHeader(kind, length).encode(bytes, 0);
        assertThat(XenErrors.errnoOf(() -> EmbeddedBlockHeader.decode(bytes, 0, kind, 4096))).isEqualTo(XenErrno.E2BIG);
    }

    @Property(tries = 100)
    void anySingleFlippedByteOfMagicVersionKindOrReservedIsEinval(@ForAll BlockKind kind,
            @ForAll @IntRange(min = 0, max = 15) int position, @ForAll @IntRange(min = 1, max = 255) int flip) {
        if (position >= EmbeddedBlockHeader.LENGTH_OFFSET && position < EmbeddedBlockHeader.RESERVED_OFFSET) {
            return;
        }
        byte[] bytes = new byte[16];
        new EmbeddedBlockHeader(kind, 64).encode(bytes, 0);
        bytes[position] ^= (byte) flip;
        assertThat(XenErrors.errnoOf(() -> EmbeddedBlockHeader.decode(bytes, 0, kind, 4096))).isEqualTo(XenErrno.EINVAL);
    }
}
