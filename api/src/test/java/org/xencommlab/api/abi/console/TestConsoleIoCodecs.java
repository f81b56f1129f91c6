package org.xencommlab.api.abi.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** console_io's codecs end to end: the words' checks, bounded copies in both forms, the read back. */
class TestConsoleIoCodecs {
    private static final int MAX_BLOCK = 4096;
    private final FlatGuest guest = new FlatGuest(1 << 16);
    private final ConsoleIoAbi.Pointer pointer = new ConsoleIoAbi.Pointer();
    private final ConsoleIoAbi.Embedded embedded = new ConsoleIoAbi.Embedded();

    private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};

    @Test
    void theAbiDeclaresItsHypercallWordRequestsAndKind() {
        ConsoleIoAbi abi = new ConsoleIoAbi();
        assertThat(abi.name()).isEqualTo("console_io");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.CONSOLE_IO);
        assertThat(abi.memoryArgument()).isEqualTo(2);
        assertThat(abi.requestTypes()).containsExactly(ConsoleWriteRequest.class, ConsoleReadRequest.class);
        assertThat(abi.kinds()).containsExactly(ConsoleIoArguments.KIND);
        assertThat(abi.codecs()).hasSize(2);
    }

    @Test
    void theHeadChecksTheCommandTheReadCountAndTheProgress() {
        assertThat(ConsoleIoAbi.ConsoleHead.decode(new long[] {0, 5, 0, 5})).isEqualTo(new ConsoleIoAbi.ConsoleHead(0, 5, 5));
        assertThat(errnoOf(() -> ConsoleIoAbi.ConsoleHead.decode(new long[] {0, 5, 0, 6}))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ConsoleIoAbi.ConsoleHead.decode(new long[] {0, 5, 0, -1}))).as("unsigned").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ConsoleIoAbi.ConsoleHead.decode(new long[] {2, 5}))).isEqualTo(XenErrno.ENOSYS);
        assertThat(errnoOf(() -> ConsoleIoAbi.ConsoleHead.decode(new long[] {-1, 5}))).isEqualTo(XenErrno.ENOSYS);
        assertThat(ConsoleIoAbi.ConsoleHead.decode(new long[] {0x1_0000_0001L, 0x1_0000_0007L}))
                .as("command and count are unsigned ints").isEqualTo(new ConsoleIoAbi.ConsoleHead(1, 7, 0));
        assertThat(ConsoleIoAbi.ConsoleHead.decode(new long[] {1, Integer.MAX_VALUE}).count()).isEqualTo(Integer.MAX_VALUE);
        assertThat(errnoOf(() -> ConsoleIoAbi.ConsoleHead.decode(new long[] {1, Integer.MAX_VALUE + 1L}))).isEqualTo(XenErrno.E2BIG);
        assertThat(ConsoleIoAbi.ConsoleHead.decode(new long[] {0, 0xFFFF_FFFFL}).count()).as("a write has no such limit")
                .isEqualTo(0xFFFF_FFFFL);
        assertThat(ConsoleIoAbi.ConsoleHead.decode(new long[] {}).cmd()).isEqualTo(SubOps.ConsoleIo.WRITE);
    }

    @Test
    void aPointerWriteIsCopiedInWithinItsCount() {
        PlacementSize size = new PlacementSize();
        pointer.measure(new ConsoleWriteRequest(HELLO), size, null);
        assertThat(size.total()).isEqualTo(5);
        PreparedCall<Long> call = pointer.prepare(guest, new ConsoleWriteRequest(HELLO), null);
        assertThat(call.op()).isEqualTo(HypercallNumber.CONSOLE_IO);
        long[] args = call.args();
        assertThat(args).hasSize(3);
        assertThat(args[0]).isEqualTo(SubOps.ConsoleIo.WRITE);
        assertThat(args[1]).isEqualTo(5);
        assertThat(call.complete(5)).isEqualTo(5L);

        ConsoleIoArguments view = pointer.decode(ConsoleIoArguments.KIND, guest, args);
        assertThat(view.cmd()).isEqualTo(SubOps.ConsoleIo.WRITE);
        assertThat(view.count()).isEqualTo(5);
        assertThat(view.done()).isZero();
        byte[] got = new byte[7];
        view.copyIn(1, got, 2, 4);
        assertThat(got).containsExactly(0, 0, 'e', 'l', 'l', 'o', 0);
        view.copyIn(5, got, 0, 0);
        assertThat(errnoOf(() -> view.copyIn(2, got, 0, 4))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.copyIn(-1, got, 0, 1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.copyIn(0, got, 0, -1))).isEqualTo(XenErrno.EINVAL);
        assertThat(guest.accessOkAsked()).containsExactly(new long[] {args[2], 0, 5});
        assertThat(view.continuationArgs(5)).containsExactly(0, 5, args[2], 5);
        assertThat(view.continuationArgs(0)).containsExactly(0, 5, args[2], 0);
        assertThatThrownBy(() -> view.continuationArgs(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.continuationArgs(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyPointerWritePlacesNothing() {
        PlacementSize size = new PlacementSize();
        pointer.measure(new ConsoleWriteRequest(new byte[0]), size, null);
        assertThat(size.total()).isZero();
        assertThat(pointer.prepare(guest, new ConsoleWriteRequest(new byte[0]), null).args()).containsExactly(0, 0, 0);
        assertThat(pointer.prepare(guest, new ConsoleReadRequest(0), null).args()).containsExactly(1, 0, 0);
        PreparedCall<ConsoleReadOutcome> read = pointer.prepare(guest, new ConsoleReadRequest(0), null);
        assertThat(read.complete(3).bytes()).isEmpty();
    }

    @Test
    void aPointerReadIsCopiedOutAndReadBackUpToTheResult() {
        PlacementSize size = new PlacementSize();
        pointer.measure(new ConsoleReadRequest(8), size, null);
        assertThat(size.total()).isEqualTo(8);
        PreparedCall<ConsoleReadOutcome> call = pointer.prepare(guest, new ConsoleReadRequest(8), null);
        long[] args = call.args();
        assertThat(args).containsExactly(SubOps.ConsoleIo.READ, 8, args[2]);
        ConsoleIoArguments view = pointer.decode(ConsoleIoArguments.KIND, guest, args);
        view.copyOut(0, HELLO, 0, 5);
        view.copyOut(5, HELLO, 0, 3);
        assertThat(errnoOf(() -> view.copyOut(6, HELLO, 0, 3))).isEqualTo(XenErrno.EINVAL);
        assertThat(guest.peek(args[2], 8)).containsExactly('h', 'e', 'l', 'l', 'o', 'h', 'e', 'l');
        assertThat(call.complete(5)).isEqualTo(new ConsoleReadOutcome(5, HELLO));
        assertThat(call.complete(100).bytes()).hasSize(8);
        assertThat(call.complete(-14)).isEqualTo(new ConsoleReadOutcome(-14, new byte[0]));
    }

    @Test
    void aPointerBufferIsAskedOfAccessOkWhole() {
        long buffer = guest.end() - 5;
        assertThat(pointer.decode(ConsoleIoArguments.KIND, guest, new long[] {0, 5, buffer}).count()).isEqualTo(5);
        assertThat(errnoOf(() -> pointer.decode(ConsoleIoArguments.KIND, guest, new long[] {0, 6, buffer}))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(ConsoleIoArguments.KIND, guest, new long[] {3, 6, buffer}))).isEqualTo(XenErrno.ENOSYS);
    }

    @Test
    void handleSitesNameTheBufferOfAWriteOrARead() {
        HandleSiteFinder.MemoryReader reader = guest.reader();
        assertThat(pointer.handleSites(new long[] {0, 5, 0x1000}, reader, HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(2, 5, List.of())));
        assertThat(pointer.handleSites(new long[] {1, 0x1_0000_0009L, 0x1000}, reader, HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(2, 9, List.of())));
        assertThat(pointer.handleSites(new long[] {2, 5, 0x1000}, reader, HandleSiteFinder.NONE)).contains(List.of());
        assertThat(pointer.handleSites(new long[] {0, HandleSite.MAX_LENGTH, 0x1000}, reader, HandleSiteFinder.NONE).orElseThrow().get(0).length())
                .isEqualTo(HandleSite.MAX_LENGTH);
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {0, HandleSite.MAX_LENGTH + 1, 0x1000}, reader, HandleSiteFinder.NONE)))
                .isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void anEmbeddedWriteIsCopiedOnceAndReadFromTheCopy() {
        assertThat(embedded.blockBytes(new ConsoleWriteRequest(HELLO), MAX_BLOCK, null)).isEqualTo(21);
        EmbeddedCall<Long> call = embedded.encode(new ConsoleWriteRequest(HELLO), MAX_BLOCK, null);
        assertThat(call.op()).isEqualTo(HypercallNumber.CONSOLE_IO);
        assertThat(call.refArg()).isEqualTo(2);
        assertThat(call.bytes()).hasSize(21);
        FlatGuest.Issued issued = guest.issue(call);
        assertThat(issued.args()).containsExactly(0, 5, issued.placed().reference().value());
        assertThat(call.completion().complete(5, issued.placed(), 0)).isEqualTo(5L);

        ConsoleIoArguments view = embedded.decode(ConsoleIoArguments.KIND, guest, issued.args(), MAX_BLOCK);
        guest.poke(issued.args()[2] + ConsoleIo.DATA_OFFSET, new byte[] {'j'});
        byte[] got = new byte[5];
        view.copyIn(0, got, 0, 5);
        assertThat(got).as("the copy, not the guest's later bytes").isEqualTo(HELLO);
        assertThat(errnoOf(() -> view.copyIn(1, got, 0, 5))).isEqualTo(XenErrno.EINVAL);
        assertThat(view.continuationArgs(2)).containsExactly(0, 5, issued.args()[2], 2);
    }

    @Test
    void anEmbeddedReadNeedsOnlyTheHeaderAndWritesBothCopyAndGuest() {
        assertThat(embedded.blockBytes(new ConsoleReadRequest(8), MAX_BLOCK, null)).isEqualTo(24);
        EmbeddedCall<ConsoleReadOutcome> call = embedded.encode(new ConsoleReadRequest(8), MAX_BLOCK, null);
        FlatGuest.Issued issued = guest.issue(call);
        long block = issued.args()[2];
        assertThat(issued.args()).containsExactly(1, 8, block);
        guest.poke(block + ConsoleIo.DATA_OFFSET, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        ConsoleIoArguments view = embedded.decode(ConsoleIoArguments.KIND, guest, issued.args(), MAX_BLOCK);
        byte[] got = new byte[8];
        view.copyIn(0, got, 0, 8);
        assertThat(got).as("the data area of a read is never copied in").containsOnly(0);
        view.copyOut(3, HELLO, 0, 5);
        assertThat(guest.peek(block + ConsoleIo.DATA_OFFSET, 8)).containsExactly(9, 9, 9, 'h', 'e', 'l', 'l', 'o');
        view.copyIn(3, got, 0, 5);
        assertThat(got).startsWith(HELLO);
        assertThat(call.completion().complete(4, issued.placed(), 0).bytes()).containsExactly(9, 9, 9, 'h');
        assertThat(call.completion().complete(-1, issued.placed(), 0).bytes()).isEmpty();
        assertThat(call.completion().complete(20, issued.placed(), 0).bytes()).hasSize(8);
    }

    @Test
    void anEmbeddedReadWithAnUnreachableHeaderIsEfault() {
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {1, 4, guest.end() - 15}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EFAULT);
        long header = guest.end() - 16;
        guest.poke(header, java.util.Arrays.copyOf(ConsoleIo.encodeBlock(null, 0, 4), EmbeddedBlockHeader.SIZE));
        assertThat(embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {1, 4, header}, MAX_BLOCK).count())
                .as("a read's data area is not read, so it may lie past the guest's memory").isEqualTo(4);
    }

    @Test
    void anEmbeddedCountIsBoundedByOneBlock() {
        int most = ConsoleIo.maxBytes(MAX_BLOCK);
        assertThat(most).isEqualTo(MAX_BLOCK - 16);
        assertThat(ConsoleIo.maxBytes(10)).isZero();
        FlatGuest.Issued full = guest.issue(embedded.encode(new ConsoleReadRequest(most), MAX_BLOCK, null));
        assertThat(embedded.decode(ConsoleIoArguments.KIND, guest, full.args(), MAX_BLOCK).count()).isEqualTo(most);
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {1, most + 1, full.args()[2]}, MAX_BLOCK)))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {1, most - 1, full.args()[2]}, MAX_BLOCK)))
                .as("the header's length must be 16 + count").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {5, 1, full.args()[2]}, MAX_BLOCK)))
                .isEqualTo(XenErrno.ENOSYS);
        assertThat(embedded.encode(new ConsoleReadRequest(most), MAX_BLOCK, null).bytes()).hasSize(MAX_BLOCK);
        assertThat(errnoOf(() -> embedded.encode(new ConsoleReadRequest(most + 1), MAX_BLOCK, null))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.encode(new ConsoleWriteRequest(new byte[most + 1]), MAX_BLOCK, null))).isEqualTo(XenErrno.E2BIG);
        assertThat(embedded.split(new ConsoleWriteRequest(new byte[most + 1]), MAX_BLOCK)).extracting(ConsoleWriteRequest::count)
                .containsExactly(most, 1);
        assertThat(embedded.split(new ConsoleReadRequest(most + 1), MAX_BLOCK)).extracting(ConsoleReadRequest::count)
                .containsExactly(most, 1);
    }

    @Test
    void anEmbeddedWriteWithABadHeaderIsRefused() {
        FlatGuest.Issued issued = guest.issue(embedded.encode(new ConsoleWriteRequest(HELLO), MAX_BLOCK, null));
        guest.pokeU32(issued.args()[2] + EmbeddedBlockHeader.LENGTH_OFFSET, 22);
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, issued.args(), MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
        guest.pokeU32(issued.args()[2] + EmbeddedBlockHeader.LENGTH_OFFSET, MAX_BLOCK + 1);
        assertThat(errnoOf(() -> embedded.decode(ConsoleIoArguments.KIND, guest, issued.args(), MAX_BLOCK))).isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void aContinuedCallCarriesItsProgressInBothForms() {
        long[] pointerArgs = pointer.prepare(guest, new ConsoleWriteRequest(HELLO), null).args();
        ConsoleIoArguments resumed = pointer.decode(ConsoleIoArguments.KIND, guest, new long[] {0, 5, pointerArgs[2], 2});
        assertThat(resumed.done()).isEqualTo(2);
        FlatGuest.Issued issued = guest.issue(embedded.encode(new ConsoleWriteRequest(HELLO), MAX_BLOCK, null));
        long[] args = issued.args();
        assertThat(embedded.decode(ConsoleIoArguments.KIND, guest, new long[] {args[0], args[1], args[2], 5}, MAX_BLOCK).done()).isEqualTo(5);
    }
}
