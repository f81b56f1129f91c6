package org.xencommlab.api.abi.multicall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;

/** The multicall entry and block decoders at the edges of every bound they check. */
class TestMulticallBounds {
    @Test
    void anEntryIsSixtyFourBytesWithSixArgumentWordsInPlace() {
        MulticallEntry entry = new MulticallEntry(17, -22, new long[] {1, 2, 3, 4, 5, 6});
        byte[] bytes = entry.encode();
        assertThat(bytes).hasSize(MulticallEntry.SIZE);
        assertThat(LittleEndian.u64(bytes, MulticallEntry.RESULT_OFFSET)).isEqualTo(-22);
        assertThat(LittleEndian.u64(bytes, MulticallEntry.ARGS_OFFSET + 5 * 8)).isEqualTo(6);
        MulticallEntry decoded = MulticallEntry.decode(bytes);
        assertThat(decoded).isEqualTo(entry).hasSameHashCodeAs(entry);
        assertThat(decoded.arg(0)).isEqualTo(1);
        assertThat(decoded.arg(5)).isEqualTo(6);
        assertThat(errnoOf(() -> MulticallEntry.decode(new byte[63]))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> MulticallEntry.decode(new byte[65]))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anEntryOwnsItsArgumentsAndIsEqualOnlyToTheSameWords() {
        long[] words = {1, 2, 3, 4, 5, 6};
        MulticallEntry entry = new MulticallEntry(1, 0, words);
        words[0] = 99;
        assertThat(entry.arg(0)).isEqualTo(1);
        entry.args()[1] = 99;
        assertThat(entry.arg(1)).isEqualTo(2);
        assertThat(entry).isNotEqualTo(new MulticallEntry(1, 0, new long[] {1, 2, 3, 4, 5, 7}));
        assertThat(entry).isNotEqualTo(new MulticallEntry(1, 1, new long[] {1, 2, 3, 4, 5, 6}));
        assertThat(entry).isNotEqualTo(new MulticallEntry(2, 0, new long[] {1, 2, 3, 4, 5, 6}));
        assertThat(entry).isNotEqualTo("entry");
        assertThat(entry.hashCode()).isNotEqualTo(new MulticallEntry(1, 1, new long[] {1, 2, 3, 4, 5, 6}).hashCode());
        assertThat(entry.hashCode()).isNotEqualTo(new MulticallEntry(2, 0, new long[] {1, 2, 3, 4, 5, 6}).hashCode());
    }

    @Test
    void ofTakesUpToSixWordsAndPadsWithZero() {
        assertThat(MulticallEntry.of(17).args()).containsExactly(0, 0, 0, 0, 0, 0);
        assertThat(MulticallEntry.of(17, 1, 2, 3, 4, 5, 6).args()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThatThrownBy(() -> MulticallEntry.of(17, 1, 2, 3, 4, 5, 6, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MulticallEntry(17, 0, new long[5])).isInstanceOf(IllegalArgumentException.class);
        assertThat(MulticallEntry.of(HypercallNumber.MULTICALL).isNested()).isTrue();
        assertThat(MulticallEntry.of(HypercallNumber.MULTICALL + 1).isNested()).isFalse();
    }

    @Test
    void aBlockHoldsExactlyTheCallsItsCountNames() {
        List<MulticallEntry> two = List.of(MulticallEntry.of(17), MulticallEntry.of(18, 1));
        byte[] block = MulticallBlock.encode(two);
        assertThat(block).hasSize(MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE);
        assertThat(MulticallBlock.decode(block, block.length, 2)).isEqualTo(2);
        assertThat(errnoOf(() -> MulticallBlock.decode(block, block.length - 8, 2))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> MulticallBlock.decode(block, 4096, 1))).as("argument disagrees").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> MulticallBlock.decode(block, 4096, 0x1_0000_0002L))).isEqualTo(XenErrno.EINVAL);

        byte[] padded = block.clone();
        padded[MulticallBlock.PAD_OFFSET + 3] = 1;
        assertThat(errnoOf(() -> MulticallBlock.decode(padded, 4096, 2))).isEqualTo(XenErrno.EINVAL);

        byte[] three = block.clone();
        LittleEndian.putU32(three, MulticallBlock.NR_CALLS_OFFSET, 3);
        assertThat(errnoOf(() -> MulticallBlock.decode(three, 4096, 3))).as("room for two").isEqualTo(XenErrno.EINVAL);
        byte[] one = block.clone();
        LittleEndian.putU32(one, MulticallBlock.NR_CALLS_OFFSET, 1);
        assertThat(errnoOf(() -> MulticallBlock.decode(one, 4096, 1))).as("room for more than one").isEqualTo(XenErrno.EINVAL);

        byte[] longer = java.util.Arrays.copyOf(block, block.length + 8);
        assertThat(errnoOf(() -> MulticallBlock.decode(longer, 4096, 2))).as("header disagrees with the bytes").isEqualTo(XenErrno.EINVAL);
        byte[] tiny = new byte[MulticallBlock.ENTRIES_OFFSET - 8];
        new EmbeddedBlockHeader(BlockKind.MULTICALL, tiny.length).encode(tiny, 0);
        assertThat(errnoOf(() -> MulticallBlock.decode(tiny, 4096, 0))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anEmptyBlockIsTheSmallestAndMaxCallsIsNeverNegative() {
        byte[] empty = MulticallBlock.encode(List.of());
        assertThat(empty).hasSize(MulticallBlock.ENTRIES_OFFSET);
        assertThat(MulticallBlock.decode(empty, 4096, 0)).isZero();
        assertThat(MulticallBlock.maxCalls(MulticallBlock.ENTRIES_OFFSET + 63)).isZero();
        assertThat(MulticallBlock.maxCalls(MulticallBlock.ENTRIES_OFFSET + 64)).isEqualTo(1);
        assertThat(MulticallBlock.maxCalls(0)).isZero();
    }
}
