package org.xencommlab.api.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.SubCallRig;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** The kernel's checks on a tool's embedded blocks: every header and every sub-block word, at each bound. */
class TestToolBlocks {
    private static final int MAX_BLOCK = 4096;
    private final FlatGuest tool = new FlatGuest(1 << 16);
    private final UserCallKernel kernel = tool.userKernel();

    private static byte[] withLength(long length) {
        byte[] bytes = new byte[64];
        LittleEndian.putU32(bytes, 8 + EmbeddedBlockHeader.LENGTH_OFFSET, (int) length);
        return bytes;
    }

    @Test
    void aHeaderMustFitAndClaimAtLeastItself() {
        assertThat(ToolBlocks.checkedLength(withLength(16), 8, 100)).isEqualTo(16);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(withLength(15), 8, 100))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(new byte[23], 8, 100))).isEqualTo(XenErrno.EINVAL);
        byte[] last = new byte[64];
        LittleEndian.putU32(last, 48 + EmbeddedBlockHeader.LENGTH_OFFSET, 16);
        assertThat(ToolBlocks.checkedLength(last, 48, 64)).as("a header ending at the last byte").isEqualTo(16);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(last, 49, 1000))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aBlockPastTheLimitIsE2bigOrEinvalForACopyAlreadySized() {
        assertThat(ToolBlocks.checkedLength(withLength(92), 8, 100)).isEqualTo(92);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(withLength(93), 8, 100))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(withLength(0xFFFF_FFFFL), 8, 100))).as("unsigned").isEqualTo(XenErrno.E2BIG);
        assertThat(ToolBlocks.checkedLength(withLength(56), 8, 64)).isEqualTo(56);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(withLength(57), 8, 64))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aSubBlockWordMustPointStrictlyInsideTheBlock() {
        long user = 0x4000;
        assertThat(ToolBlocks.subBlockOffset(user + 1, user, 40, 100)).isEqualTo(1);
        assertThat(ToolBlocks.subBlockOffset(user + 99, user, 40, 100)).isEqualTo(99);
        assertThat(errnoOf(() -> ToolBlocks.subBlockOffset(user, user, 40, 100))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ToolBlocks.subBlockOffset(user + 100, user, 40, 100))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ToolBlocks.subBlockOffset(user - 1, user, 40, 100))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ToolBlocks.subBlockOffset(0, user, 40, 100))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aHeaderIsReadFromTheToolsMemory() {
        long at = FlatGuest.BASE + 64;
        tool.poke(at, ConsoleIo.encodeBlock(new byte[3], 0, 3));
        assertThat(ToolBlocks.headerLength(kernel, at, MAX_BLOCK)).isEqualTo(19);
        assertThat(errnoOf(() -> ToolBlocks.headerLength(kernel, at, 18))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> ToolBlocks.headerLength(kernel, tool.end() - 15, MAX_BLOCK))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aPlainBlocksExtentIsItsOwnLength() {
        FlatGuest.Issued issued = tool.issue(SubCallRig.EMBEDDED.encoder(new ConsoleWriteRequest(new byte[5]))
                .encode(new ConsoleWriteRequest(new byte[5]), MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK)));
        long at = issued.args()[2];
        assertThat(ToolBlocks.extent(kernel, SubCallRig.EMBEDDED.decoder(org.xencommlab.api.abi.console.ConsoleIoArguments.KIND), at,
                issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK)).isEqualTo(21);
    }

    @Test
    void aMulticallsExtentReachesTheEndOfItsFarthestSubBlock() {
        ReservationRequest populate = new ReservationRequest(SubOps.MemoryOp.POPULATE_PHYSMAP, new long[] {1, 2}, 0, 0, 1);
        MulticallRequest request = MulticallRequest.of(new ConsoleWriteRequest(new byte[3]), PlainCall.of(HypercallNumber.XEN_VERSION), populate);
        EmbeddedCodec codec = SubCallRig.EMBEDDED.encoder(request);
        FlatGuest.Issued issued = tool.issue(codec.encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK)));
        long at = issued.args()[0];
        int total = issued.placed().length();
        assertThat(ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK)).isEqualTo(total);

        int secondWord = MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8;
        int firstWord = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.ARGS_OFFSET + 16;
        long firstSub = tool.peekU64(at + firstWord);
        tool.pokeU64(at + secondWord, firstSub);
        assertThat(ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK))
                .as("the farthest, not the last").isEqualTo(firstSub - at + 19);

        tool.pokeU64(at + secondWord, at);
        assertThat(errnoOf(() -> ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK)))
                .isEqualTo(XenErrno.EINVAL);
        tool.pokeU64(at + secondWord, at + MAX_BLOCK);
        assertThat(errnoOf(() -> ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK)))
                .isEqualTo(XenErrno.EINVAL);
        tool.pokeU64(at + secondWord, at + total - 8);
        assertThat(errnoOf(() -> ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, MAX_BLOCK)))
                .as("no header where the word points").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ToolBlocks.extent(kernel, codec, at, issued.args(), SubCallRig.EMBEDDED::memoryArgument, 215)))
                .isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void aHeaderWhoseLengthFieldIsReadableButWhichDoesNotFitIsRefused() {
        byte[] bytes = new byte[20];
        LittleEndian.putU32(bytes, 8 + EmbeddedBlockHeader.LENGTH_OFFSET, 16);
        assertThat(errnoOf(() -> ToolBlocks.checkedLength(bytes, 8, 1000))).isEqualTo(XenErrno.EINVAL);
        assertThat(ToolBlocks.checkedLength(java.util.Arrays.copyOf(bytes, 24), 8, 1000)).isEqualTo(16);
    }
}
