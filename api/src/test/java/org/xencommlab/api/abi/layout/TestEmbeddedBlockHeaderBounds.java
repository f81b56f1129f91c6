package org.xencommlab.api.abi.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;

/** The embedded block header at the edges of its bounds: length, maximum, offset, and the maximum's own range. */
class TestEmbeddedBlockHeaderBounds {
    private static byte[] header(int length) {
        byte[] bytes = new byte[EmbeddedBlockHeader.SIZE];
        new EmbeddedBlockHeader(BlockKind.MULTICALL, Math.max(length, EmbeddedBlockHeader.SIZE)).encode(bytes, 0);
        LittleEndian.putU32(bytes, EmbeddedBlockHeader.LENGTH_OFFSET, length);
        return bytes;
    }

    @Test
    void theLengthRunsFromTheHeaderItselfToTheMaximumInclusive() {
        assertThat(EmbeddedBlockHeader.decode(header(16), 0, BlockKind.MULTICALL, 256).length()).isEqualTo(16);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(header(15), 0, BlockKind.MULTICALL, 256))).isEqualTo(XenErrno.EINVAL);
        assertThat(EmbeddedBlockHeader.decode(header(256), 0, BlockKind.MULTICALL, 256).length()).isEqualTo(256);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(header(257), 0, BlockKind.MULTICALL, 256))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(header(-1), 0, BlockKind.MULTICALL, 256)))
                .as("a length above 2^31 is unsigned, not negative").isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void theHeaderIsReadAtItsOffsetAndMustFitInTheBytes() {
        byte[] bytes = new byte[40];
        new EmbeddedBlockHeader(BlockKind.SYSCTL_GETDOMAININFOLIST, 24).encode(bytes, 24);
        assertThat(EmbeddedBlockHeader.decode(bytes, 24, BlockKind.SYSCTL_GETDOMAININFOLIST, 4096))
                .isEqualTo(new EmbeddedBlockHeader(BlockKind.SYSCTL_GETDOMAININFOLIST, 24));
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(bytes, 25, BlockKind.SYSCTL_GETDOMAININFOLIST, 4096))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(bytes, -1, BlockKind.SYSCTL_GETDOMAININFOLIST, 4096))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(new byte[15], 0, BlockKind.MULTICALL, 4096))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void eachFieldIsWrittenWhereTheLayoutSays() {
        byte[] bytes = new byte[EmbeddedBlockHeader.SIZE];
        new EmbeddedBlockHeader(BlockKind.DM_OP, 0x1234).encode(bytes, 0);
        assertThat(LittleEndian.u32Bits(bytes, EmbeddedBlockHeader.MAGIC_OFFSET)).isEqualTo(EmbeddedBlockHeader.MAGIC);
        assertThat(LittleEndian.u16(bytes, EmbeddedBlockHeader.VERSION_OFFSET)).isEqualTo(EmbeddedBlockHeader.VERSION);
        assertThat(LittleEndian.u16(bytes, EmbeddedBlockHeader.KIND_OFFSET)).isEqualTo(BlockKind.DM_OP.code());
        assertThat(LittleEndian.u32(bytes, EmbeddedBlockHeader.LENGTH_OFFSET)).isEqualTo(0x1234);
        assertThat(LittleEndian.u32(bytes, EmbeddedBlockHeader.RESERVED_OFFSET)).isZero();
    }

    @Test
    void aHeaderShorterThanItselfCannotBeMade() {
        assertThat(new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 16).length()).isEqualTo(16);
        assertThatThrownBy(() -> new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmbeddedBlockHeader(null, 16)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theMaximumBlockIsAMultipleOfEightWithinItsRange() {
        assertThat(EmbeddedBlockHeader.checkMaxBlock(EmbeddedBlockHeader.SMALLEST_MAX_BLOCK)).isEqualTo(256);
        assertThat(EmbeddedBlockHeader.checkMaxBlock(EmbeddedBlockHeader.LARGEST_MAX_BLOCK)).isEqualTo(1 << 20);
        assertThatThrownBy(() -> EmbeddedBlockHeader.checkMaxBlock(248)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedBlockHeader.checkMaxBlock((1 << 20) + 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedBlockHeader.checkMaxBlock(260)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EmbeddedBlockHeader.checkMaxBlock(264)).isEqualTo(264);
    }

    @Test
    void encodingOverOldBytesWritesEveryFieldIncludingTheReservedZero() {
        byte[] bytes = new byte[EmbeddedBlockHeader.SIZE + 8];
        java.util.Arrays.fill(bytes, (byte) 0xFF);
        new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 64).encode(bytes, 8);
        assertThat(EmbeddedBlockHeader.decode(bytes, 8, BlockKind.CONSOLE_IO, 4096)).isEqualTo(new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 64));
        assertThat(bytes[7]).as("nothing before the offset").isEqualTo((byte) 0xFF);
    }
}
