package org.xencommlab.api.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;

/** The windows a decoder opens on an argument, the word helpers and the one-copy block reader, at every edge. */
class TestArgumentMemoryBounds {
    private final FlatGuest guest = new FlatGuest(4096);

    @Test
    void guestMemoryIsReachedOnEveryAccessAndAFaultIsEfault() {
        long at = FlatGuest.BASE + 100;
        guest.poke(at, new byte[] {1, 2, 3, 4});
        ArgumentMemory memory = ArgumentMemory.guest(guest, new MemoryReference(at));
        byte[] got = new byte[5];
        memory.read(1, got, 2, 3);
        assertThat(got).containsExactly(0, 0, 2, 3, 4);
        memory.write(2, new byte[] {9, 8}, 1, 1);
        assertThat(guest.peek(at, 4)).containsExactly(1, 2, 8, 4);
        ArgumentMemory edge = ArgumentMemory.guest(guest, new MemoryReference(guest.end() - 4));
        edge.read(0, got, 0, 4);
        edge.write(0, got, 0, 4);
        assertThat(errnoOf(() -> edge.read(1, got, 0, 4))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> edge.write(1, got, 0, 4))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aCopiedBlockReadsItsCopyAndWritesBothWithinItsLength() {
        long at = FlatGuest.BASE + 200;
        byte[] copy = {1, 2, 3, 4, 5, 6, 7, 8};
        ArgumentMemory block = ArgumentMemory.copiedBlock(guest, new MemoryReference(at), copy);
        byte[] got = new byte[8];
        block.read(0, got, 0, 8);
        assertThat(got).isEqualTo(copy);
        block.read(8, got, 0, 0);
        block.read(6, got, 1, 2);
        assertThat(got[1]).isEqualTo((byte) 7);
        assertThat(got[2]).isEqualTo((byte) 8);
        assertThat(errnoOf(() -> block.read(7, got, 0, 2))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> block.read(-1, got, 0, 1))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> block.read(0, got, 0, -1))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> block.read(Long.MAX_VALUE, got, 0, 1))).isEqualTo(XenErrno.EFAULT);

        block.write(6, new byte[] {0, 42, 43}, 1, 2);
        assertThat(copy).endsWith(42, 43);
        assertThat(guest.peek(at + 6, 2)).containsExactly(42, 43);
        assertThat(errnoOf(() -> block.write(7, new byte[2], 0, 2))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> block.write(-1, new byte[2], 0, 1))).isEqualTo(XenErrno.EFAULT);
        assertThat(guest.peek(at + 7, 1)).containsExactly(43);
    }

    @Test
    void aCopiedBlockWhoseGuestPagesAreGoneChangesNeitherCopyNorGuest() {
        byte[] copy = new byte[8];
        ArgumentMemory block = ArgumentMemory.copiedBlock(guest, new MemoryReference(guest.end() - 4), copy);
        assertThat(errnoOf(() -> block.write(2, new byte[] {5, 5, 5, 5}, 0, 4))).isEqualTo(XenErrno.EFAULT);
        assertThat(copy).containsOnly(0);
        block.write(0, new byte[] {5, 5, 5, 5}, 0, 4);
        assertThat(copy).startsWith(5, 5, 5, 5);
    }

    @Test
    void wordsAreZeroWhenAbsentAndUnsignedIntsAreTheLowHalf() {
        assertThat(ArgumentWords.word(null, 0)).isZero();
        assertThat(ArgumentWords.word(new long[] {7, 8}, 1)).isEqualTo(8);
        assertThat(ArgumentWords.word(new long[] {7, 8}, 2)).isZero();
        assertThat(ArgumentWords.word(new long[] {7, 8}, 0)).isEqualTo(7);
        assertThat(ArgumentWords.u32(new long[] {-1}, 0)).isEqualTo(0xFFFF_FFFFL);
        assertThat(ArgumentWords.u32(new long[] {0x1_0000_0002L}, 0)).isEqualTo(2);
        assertThat(ArgumentWords.u32(new long[] {}, 0)).isZero();
    }

    @Test
    void aResultIsClampedToWhatWasAsked() {
        assertThat(ArgumentWords.clamp(-5, 10)).isZero();
        assertThat(ArgumentWords.clamp(0, 10)).isZero();
        assertThat(ArgumentWords.clamp(7, 10)).isEqualTo(7);
        assertThat(ArgumentWords.clamp(10, 10)).isEqualTo(10);
        assertThat(ArgumentWords.clamp(11, 10)).isEqualTo(10);
        assertThat(ArgumentWords.clamp(Long.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void anIndexIsCheckedAgainstItsCount() {
        ArgumentWords.checkIndex(0, 1, "x");
        ArgumentWords.checkIndex(4, 5, "x");
        assertThat(errnoOf(() -> ArgumentWords.checkIndex(5, 5, "x"))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ArgumentWords.checkIndex(-1, 5, "x"))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ArgumentWords.checkIndex(0, 0, "x"))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aBlockFitsUpToTheMaximumInclusive() {
        byte[] block = new byte[64];
        assertThat(EmbeddedBlocks.fit(block, 64, null)).isSameAs(block);
        assertThat(errnoOf(() -> EmbeddedBlocks.fit(block, 63, null))).isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void aBlockIsCopiedHeaderFirstThenTheRestItClaims() {
        long at = FlatGuest.BASE + 64;
        byte[] block = ConsoleIo.encodeBlock(new byte[] {1, 2, 3}, 0, 3);
        guest.poke(at, block);
        guest.poke(at + block.length, new byte[] {77});
        assertThat(EmbeddedBlocks.copy(guest, new MemoryReference(at), BlockKind.CONSOLE_IO, 4096)).isEqualTo(block);
        assertThat(EmbeddedBlocks.copy(guest, new MemoryReference(at), BlockKind.CONSOLE_IO, block.length)).isEqualTo(block);
        assertThat(errnoOf(() -> EmbeddedBlocks.copy(guest, new MemoryReference(at), BlockKind.CONSOLE_IO, block.length - 1)))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> EmbeddedBlocks.copy(guest, new MemoryReference(at), BlockKind.MULTICALL, 4096))).isEqualTo(XenErrno.EINVAL);

        long edge = guest.end() - block.length;
        guest.poke(edge, block);
        assertThat(EmbeddedBlocks.copy(guest, new MemoryReference(edge), BlockKind.CONSOLE_IO, 4096)).isEqualTo(block);
        long past = guest.end() - EmbeddedBlockHeader.SIZE;
        guest.poke(past, java.util.Arrays.copyOf(block, EmbeddedBlockHeader.SIZE));
        assertThat(errnoOf(() -> EmbeddedBlocks.copy(guest, new MemoryReference(past), BlockKind.CONSOLE_IO, 4096)))
                .as("the rest lies past the guest's memory").isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> EmbeddedBlocks.copy(guest, new MemoryReference(past + 1), BlockKind.CONSOLE_IO, 4096)))
                .isEqualTo(XenErrno.EFAULT);
    }
}
