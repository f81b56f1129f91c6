package org.xencommlab.api.abi.multicall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.SubCallRig;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** multicall's codecs end to end, with real sub-calls encoded by their own codecs. */
class TestMulticallCodecs {
    private static final int MAX_BLOCK = 4096;
    private final FlatGuest guest = new FlatGuest(1 << 16);
    private final MulticallAbi.Pointer pointer = new MulticallAbi.Pointer();
    private final MulticallAbi.Embedded embedded = new MulticallAbi.Embedded();

    private static ReservationRequest populate(long... extents) {
        return new ReservationRequest(SubOps.MemoryOp.POPULATE_PHYSMAP, extents, 0, 0, 3);
    }

    private static MulticallRequest twoCalls() {
        return MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0), populate(1, 2));
    }

    @Test
    void theAbiDeclaresItsHypercallWordRequestAndKind() {
        MulticallAbi abi = new MulticallAbi();
        assertThat(abi.name()).isEqualTo("multicall");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.MULTICALL);
        assertThat(abi.memoryArgument()).isZero();
        assertThat(abi.requestTypes()).containsExactly(MulticallRequest.class);
        assertThat(abi.kinds()).containsExactly(MulticallArguments.KIND);
        assertThat(abi.codecs()).hasSize(2);
    }

    @Test
    void thePointerFormMeasuresEachCallThenTheList() {
        PlacementSize size = new PlacementSize();
        pointer.measure(twoCalls(), size, SubCallRig.pointer());
        assertThat(size.total()).isEqualTo(16 + 32 + 2 * 64);
        PlacementSize none = new PlacementSize();
        pointer.measure(MulticallRequest.of(), none, SubCallRig.pointer());
        assertThat(none.total()).isZero();
    }

    @Test
    void aPointerMulticallIsDecodedAndItsResultsReadBack() {
        PreparedCall<MulticallOutcome> call = pointer.prepare(guest, twoCalls(), SubCallRig.pointer());
        assertThat(call.op()).isEqualTo(HypercallNumber.MULTICALL);
        long[] args = call.args();
        assertThat(args).hasSize(2);
        assertThat(args[1]).isEqualTo(2);

        MulticallArguments view = pointer.decode(MulticallArguments.KIND, guest, args);
        assertThat(view.nrCalls()).isEqualTo(2);
        assertThat(view.start()).isZero();
        assertThat(view.readEntry(0)).isEqualTo(MulticallEntry.of(HypercallNumber.XEN_VERSION, 0));
        MulticallEntry reservation = view.readEntry(1);
        assertThat(reservation.op()).isEqualTo(HypercallNumber.MEMORY_OP);
        ReservationArguments sub = SubCallRig.POINTER.decoder(ReservationArguments.KIND)
                .decode(ReservationArguments.KIND, guest, Arrays.copyOf(reservation.args(), 2));
        assertThat(sub.readExtent(1)).isEqualTo(2);
        sub.writeExtent(0, 0x77);

        view.writeResult(0, 0x40004);
        view.writeResult(1, 1);
        assertThat(guest.peekU64(args[0] + MulticallEntry.RESULT_OFFSET)).isEqualTo(0x40004);
        assertThat(guest.peekU64(args[0] + MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET)).isEqualTo(1);
        MulticallOutcome outcome = call.complete(0);
        assertThat(outcome.result()).isZero();
        assertThat(outcome.entries()).hasSize(2);
        assertThat(outcome.entries().get(0).result()).isEqualTo(0x40004);
        assertThat(outcome.entries().get(0).outcome()).isEqualTo(0x40004L);
        assertThat(outcome.entries().get(1).result()).isEqualTo(1);
        assertThat(((ReservationOutcome) outcome.entries().get(1).outcome()).extents()).containsExactly(0x77);

        view.writeEntry(1, MulticallEntry.of(HypercallNumber.CONSOLE_IO, 1, 2, 3));
        assertThat(view.readEntry(1)).isEqualTo(MulticallEntry.of(HypercallNumber.CONSOLE_IO, 1, 2, 3));
        assertThat(MulticallEntry.decode(guest.peek(args[0] + MulticallEntry.SIZE, MulticallEntry.SIZE), 0))
                .isEqualTo(MulticallEntry.of(HypercallNumber.CONSOLE_IO, 1, 2, 3));
    }

    @Test
    void anEmptyPointerMulticallPlacesNoList() {
        PreparedCall<MulticallOutcome> call = pointer.prepare(guest, MulticallRequest.of(), SubCallRig.pointer());
        assertThat(call.args()).containsExactly(0, 0);
        assertThat(call.complete(0).entries()).isEmpty();
        assertThat(pointer.decode(MulticallArguments.KIND, guest, call.args()).nrCalls()).isZero();
    }

    @Test
    void aViewChecksEveryIndexAndTheContinuationRange() {
        long[] args = pointer.prepare(guest, twoCalls(), SubCallRig.pointer()).args();
        MulticallArguments view = pointer.decode(MulticallArguments.KIND, guest, args);
        for (int bad : new int[] {-1, 2}) {
            assertThat(errnoOf(() -> view.readEntry(bad))).isEqualTo(XenErrno.EINVAL);
            assertThat(errnoOf(() -> view.writeResult(bad, 0))).isEqualTo(XenErrno.EINVAL);
            assertThat(errnoOf(() -> view.writeEntry(bad, MulticallEntry.of(1)))).isEqualTo(XenErrno.EINVAL);
        }
        assertThat(view.continuationArgs(2)).containsExactly(args[0], 2, 2);
        assertThat(view.continuationArgs(0)).containsExactly(args[0], 2, 0);
        assertThatThrownBy(() -> view.continuationArgs(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.continuationArgs(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResumedMulticallStartsWhereItsThirdWordSaysAndNoFurther() {
        long[] args = pointer.prepare(guest, MulticallRequest.of(PlainCall.of(1), PlainCall.of(2), PlainCall.of(3)), SubCallRig.pointer()).args();
        long list = args[0];
        MulticallArguments view = pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 3, 1});
        assertThat(view.start()).isEqualTo(1);
        assertThat(guest.accessOkAsked().get(guest.accessOkAsked().size() - 1)).containsExactly(list, 64, 128);
        assertThat(pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 3, 3}).start()).isEqualTo(3);
        assertThat(errnoOf(() -> pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 3, 4}))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 3, -1}))).isEqualTo(XenErrno.EINVAL);
        assertThat(pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 0x1_0000_0003L}).nrCalls())
                .as("nr_calls is an unsigned int").isEqualTo(3);
    }

    @Test
    void aCallListEndingAtTheLastGuestByteIsAcceptedAndOneMoreIsRefused() {
        long list = guest.end() - 2 * MulticallEntry.SIZE;
        assertThat(pointer.decode(MulticallArguments.KIND, guest, new long[] {list, 2}).readEntry(1).op()).isZero();
        assertThat(errnoOf(() -> pointer.decode(MulticallArguments.KIND, guest, new long[] {list + 1, 2}))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aCallListOfTwoToTheThirtyOneEntriesIsRefusedBeforeAccessOk() {
        assertThat(errnoOf(() -> pointer.decode(MulticallArguments.KIND, guest, new long[] {FlatGuest.BASE, 0x8000_0000L})))
                .isEqualTo(XenErrno.EFAULT);
        assertThat(guest.accessOkAsked()).isEmpty();
        assertThat(errnoOf(() -> pointer.decode(MulticallArguments.KIND, guest, new long[] {FlatGuest.BASE, Integer.MAX_VALUE})))
                .isEqualTo(XenErrno.EFAULT);
        assertThat(guest.accessOkAsked()).hasSize(1);
        assertThat(guest.accessOkAsked().get(0)).containsExactly(FlatGuest.BASE, 0, (long) Integer.MAX_VALUE * 64);
    }

    @Test
    void handleSitesNestEachKnownCallsHandlesAtItsEntry() {
        long[] args = pointer.prepare(guest, twoCalls(), SubCallRig.pointer()).args();
        HandleSiteFinder.MemoryReader reader = guest.reader();
        List<HandleSite> sites = pointer.handleSites(args, reader, SubCallRig.handleSites()).orElseThrow();
        assertThat(sites).hasSize(1);
        HandleSite list = sites.get(0);
        assertThat(list.argIndex()).isZero();
        assertThat(list.length()).isEqualTo(128);
        assertThat(list.nested()).hasSize(1);
        HandleSite reservation = list.nested().get(0);
        assertThat(reservation.fieldOffset()).isEqualTo(MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8);
        assertThat(reservation.length()).isEqualTo(32);
        assertThat(reservation.nested()).hasSize(1);
        assertThat(reservation.nested().get(0).length()).isEqualTo(16);
    }

    @Test
    void handleSitesSkipNestedMulticallsAndNumbersOutsideTheTable() {
        byte[] entries = new byte[5 * MulticallEntry.SIZE];
        long[] ops = {HypercallNumber.MULTICALL, -1, HypercallNumber.TABLE_SIZE, HypercallNumber.TABLE_SIZE - 1, HypercallNumber.CONSOLE_IO};
        for (int i = 0; i < ops.length; i++) {
            MulticallEntry.of(ops[i], 0, 9, FlatGuest.BASE).encode(entries, i * MulticallEntry.SIZE);
        }
        long list = FlatGuest.BASE + 1024;
        guest.poke(list, entries);
        List<Integer> asked = new ArrayList<>();
        HandleSiteFinder nested = (op, callArgs, reader) -> {
            asked.add(op);
            assertThat(callArgs).hasSize(6).startsWith(0, 9, FlatGuest.BASE);
            return op == HypercallNumber.CONSOLE_IO ? Optional.of(List.of(HandleSite.argument(2, 9, List.of()))) : Optional.empty();
        };
        HandleSite site = pointer.handleSites(new long[] {list, 5}, guest.reader(), nested).orElseThrow().get(0);
        assertThat(asked).containsExactly(HypercallNumber.TABLE_SIZE - 1, HypercallNumber.CONSOLE_IO);
        assertThat(site.nested()).containsExactly(HandleSite.field(4L * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16, 9, List.of()));
    }

    @Test
    void handleSitesBoundTheListAndReadItOneEntryAtATime() {
        long most = HandleSite.MAX_LENGTH / MulticallEntry.SIZE;
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {FlatGuest.BASE, most + 1}, guest.reader(), HandleSiteFinder.NONE)))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {FlatGuest.BASE, most}, guest.reader(), HandleSiteFinder.NONE)))
                .as("read until the guest's memory ends").isEqualTo(XenErrno.EFAULT);
        assertThat(pointer.handleSites(new long[] {guest.end() - 64, 1}, guest.reader(), HandleSiteFinder.NONE).orElseThrow().get(0).length())
                .isEqualTo(64);
        assertThat(pointer.handleSites(new long[] {0, 0}, guest.reader(), HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(0, 0, List.of())));
    }

    @Test
    void anEmbeddedMulticallCarriesItsSubBlocksPatchedToTheirPlaces() {
        MulticallRequest request = MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0), populate(1, 2), populate(3));
        EmbeddedCall<MulticallOutcome> call = embedded.encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        int list = MulticallBlock.ENTRIES_OFFSET + 3 * MulticallEntry.SIZE;
        int first = list;
        int second = first + 40 + 16;
        assertThat(call.bytes()).hasSize(second + 40 + 8);
        assertThat(embedded.blockBytes(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK))).isEqualTo(call.bytes().length);
        assertThat(call.patches()).extracting(p -> p[0] + ":" + p[1]).containsExactly(
                (MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8) + ":" + first,
                (MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8) + ":" + second);
        assertThat(call.args()).containsExactly(0, 3);
        assertThat(call.refArg()).isZero();

        FlatGuest.Issued issued = guest.issue(call);
        long block = issued.args()[0];
        MulticallArguments view = embedded.decode(MulticallArguments.KIND, guest, issued.args(), MAX_BLOCK);
        assertThat(view.nrCalls()).isEqualTo(3);
        MulticallEntry entry = view.readEntry(1);
        assertThat(entry.arg(1)).isEqualTo(block + first);
        ReservationArguments sub = SubCallRig.EMBEDDED.decoder(ReservationArguments.KIND)
                .decode(ReservationArguments.KIND, guest, Arrays.copyOf(entry.args(), 2), MAX_BLOCK);
        assertThat(sub.readExtent(1)).isEqualTo(2);
        sub.writeExtent(1, 0x99);
        ReservationArguments third = SubCallRig.EMBEDDED.decoder(ReservationArguments.KIND)
                .decode(ReservationArguments.KIND, guest, Arrays.copyOf(view.readEntry(2).args(), 2), MAX_BLOCK);
        third.writeExtent(0, 0x55);

        view.writeResult(0, 7);
        view.writeResult(1, 2);
        view.writeResult(2, 1);
        assertThat(view.readEntry(1).result()).as("written to the copy too").isEqualTo(2);
        MulticallOutcome outcome = call.completion().complete(0, issued.placed(), 0);
        assertThat(outcome.entries()).extracting(MulticallOutcome.Entry::result).containsExactly(7L, 2L, 1L);
        assertThat(outcome.entries().get(0).outcome()).isEqualTo(7L);
        assertThat(((ReservationOutcome) outcome.entries().get(1).outcome()).extents()).containsExactly(1, 0x99);
        assertThat(((ReservationOutcome) outcome.entries().get(2).outcome()).extents()).containsExactly(0x55);

        assertThat(embedded.subBlockWords(call.bytes(), call.args(), SubCallRig.EMBEDDED::memoryArgument)).containsExactly(
                MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8,
                MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8);
        assertThat(view.continuationArgs(1)).containsExactly(block, 3, 1);
    }

    @Test
    void subBlocksStartOnEightByteBoundaries() {
        MulticallRequest request = MulticallRequest.of(new org.xencommlab.api.abi.console.ConsoleWriteRequest(new byte[3]), populate(3));
        EmbeddedCall<MulticallOutcome> call = embedded.encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        int first = MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE;
        int second = first + 16 + 8;
        assertThat(call.patches().get(1)[1]).isEqualTo(second);
        assertThat(call.bytes()).hasSize(second + 48);
        assertThat(embedded.blockBytes(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK))).isEqualTo(second + 48);
    }

    @Test
    void anEmbeddedMulticallIsBoundedByTheMaximumExactly() {
        MulticallRequest request = MulticallRequest.of(populate(3), PlainCall.of(1));
        int total = MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE + 48;
        assertThat(embedded.encode(request, total, SubCallRig.embedded(MAX_BLOCK)).bytes()).hasSize(total);
        assertThat(errnoOf(() -> embedded.encode(request, total - 1, SubCallRig.embedded(MAX_BLOCK)))).isEqualTo(XenErrno.E2BIG);

        long[] args = guest.issue(embedded.encode(MulticallRequest.of(PlainCall.of(1), PlainCall.of(2)), MAX_BLOCK,
                SubCallRig.embedded(MAX_BLOCK))).args();
        int exact = MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE;
        assertThat(embedded.decode(MulticallArguments.KIND, guest, args, exact).nrCalls()).isEqualTo(2);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, args, exact - 1))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 0x4000_0000L}, MAX_BLOCK)))
                .isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void anEmbeddedMulticallIsRefusedForItsStartItsCountAndItsHeader() {
        long[] args = guest.issue(embedded.encode(MulticallRequest.of(PlainCall.of(1), PlainCall.of(2)), MAX_BLOCK,
                SubCallRig.embedded(MAX_BLOCK))).args();
        assertThat(embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 2, 2}, MAX_BLOCK).start()).isEqualTo(2);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 2, 3}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 1}, MAX_BLOCK)))
                .as("the block holds two").isEqualTo(XenErrno.EINVAL);
        guest.pokeU32(args[0] + EmbeddedBlockHeader.LENGTH_OFFSET, MAX_BLOCK + 1);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, args, MAX_BLOCK))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {guest.end() - 8, 0}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void subBlockWordsAreOnlyThoseOfEntriesThatFitAndNameMemory() {
        List<MulticallEntry> entries = List.of(
                MulticallEntry.of(HypercallNumber.MEMORY_OP),
                MulticallEntry.of(HypercallNumber.MULTICALL),
                MulticallEntry.of(-1),
                MulticallEntry.of(0x1_0000_0000L + HypercallNumber.MEMORY_OP),
                MulticallEntry.of(HypercallNumber.XEN_VERSION),
                MulticallEntry.of(HypercallNumber.CONSOLE_IO),
                MulticallEntry.of(HypercallNumber.SYSCTL));
        byte[] block = MulticallBlock.encode(entries);
        int at = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.ARGS_OFFSET;
        int[] all = embedded.subBlockWords(block, new long[] {0, entries.size()}, op -> op == HypercallNumber.XEN_VERSION ? 6
                : SubCallRig.EMBEDDED.memoryArgument(op));
        assertThat(all).containsExactly(at + 8, at + 5 * 64 + 16, at + 6 * 64);
        assertThat(embedded.subBlockWords(block, new long[] {0, 1}, SubCallRig.EMBEDDED::memoryArgument)).containsExactly(at + 8);
        assertThat(embedded.subBlockWords(block, new long[] {0, 0}, SubCallRig.EMBEDDED::memoryArgument)).isEmpty();
        byte[] cut = Arrays.copyOf(block, block.length - 1);
        assertThat(embedded.subBlockWords(cut, new long[] {0, entries.size()}, SubCallRig.EMBEDDED::memoryArgument))
                .containsExactly(at + 8, at + 5 * 64 + 16);
        assertThat(embedded.subBlockWords(new byte[10], new long[] {0, 5}, SubCallRig.EMBEDDED::memoryArgument)).isEmpty();
        assertThat(embedded.subBlockWords(block, new long[] {0, 0x1_0000_0001L}, SubCallRig.EMBEDDED::memoryArgument))
                .as("nr_calls is an unsigned int").containsExactly(at + 8);
        assertThat(new MemoryOpCommand(0, 0).encode()).isZero();
    }

    @Test
    void aCallWithoutABlockAfterAnUnalignedOneAddsNoPadding() {
        MulticallRequest request = MulticallRequest.of(new org.xencommlab.api.abi.console.ConsoleWriteRequest(new byte[3]), PlainCall.of(1));
        EmbeddedCall<MulticallOutcome> call = embedded.encode(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        assertThat(call.bytes()).hasSize(MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE + 19);
        assertThat(embedded.blockBytes(request, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK))).isEqualTo(call.bytes().length);
    }

    @Test
    void aNestedMulticallsPatchesMoveWithItsBlock() {
        MulticallRequest inner = MulticallRequest.of(populate(1));
        EmbeddedCall<MulticallOutcome> innerCall = embedded.encode(inner, MAX_BLOCK, SubCallRig.embedded(MAX_BLOCK));
        EmbeddedCall<MulticallOutcome> outer = embedded.encode(MulticallRequest.of(PlainCall.of(1), inner), MAX_BLOCK,
                SubCallRig.embedded(MAX_BLOCK));
        int at = MulticallBlock.ENTRIES_OFFSET + 2 * MulticallEntry.SIZE;
        assertThat(outer.patches()).hasSize(2);
        assertThat(outer.patches().get(1)).containsExactly(innerCall.patches().get(0)[0] + at, innerCall.patches().get(0)[1] + at);
    }

    @Test
    void anEmbeddedCountIsBoundedBeforeTheBlockIsRead() {
        long[] args = guest.issue(embedded.encode(MulticallRequest.of(PlainCall.of(1), PlainCall.of(2)), MAX_BLOCK,
                SubCallRig.embedded(MAX_BLOCK))).args();
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 100}, MAX_BLOCK))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.decode(MulticallArguments.KIND, guest, new long[] {args[0], 60}, MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void entryZeroAndTheLargestIntAreCallsTheirCodecsAreAskedAbout() {
        List<MulticallEntry> entries = List.of(MulticallEntry.of(0), MulticallEntry.of(Integer.MAX_VALUE), MulticallEntry.of(Integer.MAX_VALUE + 1L));
        byte[] block = MulticallBlock.encode(entries);
        int at = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.ARGS_OFFSET;
        assertThat(embedded.subBlockWords(block, new long[] {0, 3}, op -> 1)).containsExactly(at + 8, at + 64 + 8);

        byte[] list = new byte[2 * MulticallEntry.SIZE];
        MulticallEntry.of(0, 5).encode(list, 0);
        MulticallEntry.of(HypercallNumber.TABLE_SIZE, 5).encode(list, MulticallEntry.SIZE);
        long address = FlatGuest.BASE + 2048;
        guest.poke(address, list);
        List<Integer> asked = new ArrayList<>();
        pointer.handleSites(new long[] {address, 2}, guest.reader(), (op, callArgs, reader) -> {
            asked.add(op);
            return Optional.empty();
        });
        assertThat(asked).containsExactly(0);
        assertThat(MulticallEntry.of(7, 1).toString()).contains("7");
    }
}
