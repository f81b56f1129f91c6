package org.xencommlab.api.abi.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;

/** A header read at an offset must fit in the bytes after that offset, not in the array as a whole. */
class TestEmbeddedBlockHeaderAtAnOffset {
    @Test
    void aHeaderThatRunsPastTheEndAfterItsOffsetIsRefused() {
        byte[] bytes = new byte[20];
        new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 16).encode(bytes, 0);
        assertThat(EmbeddedBlockHeader.decode(bytes, 0, BlockKind.CONSOLE_IO, 4096).length()).isEqualTo(16);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(bytes, 8, BlockKind.CONSOLE_IO, 4096))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(bytes, 5, BlockKind.CONSOLE_IO, 4096))).isEqualTo(XenErrno.EINVAL);
        byte[] at4 = new byte[20];
        new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 16).encode(at4, 4);
        assertThat(EmbeddedBlockHeader.decode(at4, 4, BlockKind.CONSOLE_IO, 4096).length()).isEqualTo(16);
    }

    @Test
    void aHeaderWhoseFirstFieldsFitButWhoseReservedFieldDoesNotIsRefusedWithAnErrno() {
        byte[] full = new byte[24];
        new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, 16).encode(full, 8);
        byte[] cut = java.util.Arrays.copyOf(full, 20);
        assertThat(errnoOf(() -> EmbeddedBlockHeader.decode(cut, 8, BlockKind.CONSOLE_IO, 4096))).isEqualTo(XenErrno.EINVAL);
        assertThat(EmbeddedBlockHeader.decode(full, 8, BlockKind.CONSOLE_IO, 4096).length()).isEqualTo(16);
    }
}
