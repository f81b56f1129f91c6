package org.xencommlab.api.abi.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** memory_op's reservation codecs end to end: the guest side places, the hypervisor side decodes, the guest reads back. */
class TestMemoryOpCodecs {
    private static final int MAX_BLOCK = 4096;
    private final FlatGuest guest = new FlatGuest(1 << 16);
    private final MemoryOpAbi.Pointer pointer = new MemoryOpAbi.Pointer();
    private final MemoryOpAbi.Embedded embedded = new MemoryOpAbi.Embedded();

    private static ReservationRequest populate(long... extents) {
        return new ReservationRequest(SubOps.MemoryOp.POPULATE_PHYSMAP, extents, 2, 3, 7);
    }

    @Test
    void theAbiDeclaresItsHypercallWordRequestAndKinds() {
        MemoryOpAbi abi = new MemoryOpAbi();
        assertThat(abi.name()).isEqualTo("memory_op");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.MEMORY_OP);
        assertThat(abi.memoryArgument()).isEqualTo(1);
        assertThat(abi.requestTypes()).containsExactly(ReservationRequest.class);
        assertThat(abi.kinds()).containsExactly(MemoryOpArguments.KIND, ReservationArguments.KIND);
        assertThat(abi.codecs()).hasSize(2);
    }

    @Test
    void thePointerFormMeasuresTheArrayThenTheStruct() {
        PlacementSize size = new PlacementSize();
        pointer.measure(populate(1, 2, 3), size, null);
        assertThat(size.total()).isEqualTo(24 + 32);
        PlacementSize none = new PlacementSize();
        pointer.measure(populate(), none, null);
        assertThat(none.total()).isEqualTo(32);
        assertThat(pointer.split(populate(1, 2))).containsExactly(populate(1, 2));
    }

    @Test
    void aPointerReservationIsDecodedReadWrittenAndReadBack() {
        PreparedCall<ReservationOutcome> call = pointer.prepare(guest, populate(5, 6, 7), null);
        assertThat(call.op()).isEqualTo(HypercallNumber.MEMORY_OP);
        long[] args = call.args();
        assertThat(args).hasSize(2);
        assertThat(args[0]).isEqualTo(SubOps.MemoryOp.POPULATE_PHYSMAP);

        ReservationArguments view = pointer.decode(ReservationArguments.KIND, guest, args);
        assertThat(view.command()).isEqualTo(new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 0));
        MemoryReservation r = view.reservation();
        assertThat(r.nrExtents()).isEqualTo(3);
        assertThat(r.extentOrder()).isEqualTo(2);
        assertThat(r.memFlags()).isEqualTo(3);
        assertThat(r.domid()).isEqualTo(7);
        assertThat(r.extentStart()).isNotZero();
        assertThat(view.hasExtentArray()).isTrue();
        assertThat(view.readExtent(0)).isEqualTo(5);
        assertThat(view.readExtent(2)).isEqualTo(7);
        view.writeExtent(1, 0xABCDEF01234L);
        assertThat(guest.peekU64(r.extentStart() + 8)).isEqualTo(0xABCDEF01234L);
        assertThat(view.readExtent(1)).isEqualTo(0xABCDEF01234L);

        assertThat(call.complete(2).extents()).containsExactly(5, 0xABCDEF01234L);
        assertThat(call.complete(3).extents()).containsExactly(5, 0xABCDEF01234L, 7);
        assertThat(call.complete(99).extents()).as("clamped to what was asked").hasSize(3);
        assertThat(call.complete(-22)).isEqualTo(new ReservationOutcome(-22, new long[0]));
        assertThat(call.complete(0).extents()).isEmpty();
        assertThat(call.complete(1).result()).isEqualTo(1);
    }

    @Test
    void aPointerViewChecksEveryIndexAndTheContinuationRange() {
        long[] args = pointer.prepare(guest, populate(5, 6, 7), null).args();
        ReservationArguments view = pointer.decode(ReservationArguments.KIND, guest, args);
        assertThat(errnoOf(() -> view.readExtent(3))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.readExtent(-1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.writeExtent(3, 1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.writeExtent(-1, 1))).isEqualTo(XenErrno.EINVAL);
        view.writeExtent(2, 9);
        assertThat(view.readExtent(2)).isEqualTo(9);

        assertThat(view.continuationArgs(3)).containsExactly(new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 3).encode(), args[1]);
        assertThat(view.continuationArgs(0)).containsExactly(SubOps.MemoryOp.POPULATE_PHYSMAP, args[1]);
        assertThatThrownBy(() -> view.continuationArgs(4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.continuationArgs(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theExtentListStillToDoIsAskedOfAccessOkAsOneRange() {
        long[] args = pointer.prepare(guest, populate(5, 6, 7, 8, 9), null).args();
        args[0] = new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 2).encode();
        ReservationArguments view = pointer.decode(ReservationArguments.KIND, guest, args);
        assertThat(view.command().startExtent()).isEqualTo(2);
        long[] asked = guest.accessOkAsked().get(guest.accessOkAsked().size() - 1);
        assertThat(asked).containsExactly(view.reservation().extentStart(), 16, 24);
    }

    @Test
    void anExtentListEndingAtTheLastGuestByteIsAcceptedAndOneMoreIsRefused() {
        long struct = guest.end() - 1024;
        long list = guest.end() - 3 * 8;
        guest.poke(struct, new MemoryReservation(list, 3, 0, 0, 1).encodePointer());
        long[] args = {SubOps.MemoryOp.INCREASE_RESERVATION, struct};
        assertThat(pointer.decode(ReservationArguments.KIND, guest, args).readExtent(2)).isZero();

        guest.poke(struct, new MemoryReservation(list + 1, 3, 0, 0, 1).encodePointer());
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, args))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aNullExtentArrayIsNotAskedOfAccessOkAndHasNoArray() {
        long struct = FlatGuest.BASE + 256;
        guest.poke(struct, new MemoryReservation(0, 3, 0, 0, 1).encodePointer());
        ReservationArguments view = pointer.decode(ReservationArguments.KIND, guest, new long[] {SubOps.MemoryOp.INCREASE_RESERVATION, struct});
        assertThat(view.hasExtentArray()).isFalse();
        assertThat(guest.accessOkAsked()).isEmpty();
        assertThat(errnoOf(() -> view.readExtent(0))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aPointerReservationIsRefusedForItsCountsItsStartAndAnUnreachableStruct() {
        long struct = FlatGuest.BASE + 256;
        guest.poke(struct, new MemoryReservation(FlatGuest.BASE + 512, 0, 0, 0, 1).encodePointer());
        long[] args = {SubOps.MemoryOp.INCREASE_RESERVATION, struct};
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, args))).isEqualTo(XenErrno.EINVAL);
        guest.poke(struct, new MemoryReservation(FlatGuest.BASE + 512, 4, 0, 0, 1).encodePointer());
        args[0] = new MemoryOpCommand(SubOps.MemoryOp.INCREASE_RESERVATION, 4).encode();
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, args))).isEqualTo(XenErrno.EINVAL);
        args[0] = new MemoryOpCommand(SubOps.MemoryOp.INCREASE_RESERVATION, 3).encode();
        assertThat(pointer.decode(ReservationArguments.KIND, guest, args).command().startExtent()).isEqualTo(3);
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, new long[] {0, guest.end() - 31})))
                .isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, new long[] {0}))).as("a missing word reads as NULL")
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void theCallViewDecodesTheCommandOnceAndTheReservationOnDemandOnce() {
        long[] args = pointer.prepare(guest, populate(5, 6), null).args();
        args[0] = new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 1).encode();
        MemoryOpArguments call = pointer.decode(MemoryOpArguments.KIND, guest, args);
        assertThat(call.command()).isEqualTo(new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 1));
        assertThat(call.argument()).isEqualTo(args[1]);
        assertThat(guest.accessOkAsked()).as("nothing read before it is asked for").isEmpty();
        ReservationArguments first = call.reservation();
        assertThat(first.command()).isEqualTo(call.command());
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, 0);
        assertThat(call.reservation()).isSameAs(first);
        assertThat(guest.accessOkAsked()).hasSize(1);
    }

    @Test
    void theCallViewKeepsItsRefusal() {
        long[] args = pointer.prepare(guest, populate(5, 6), null).args();
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, 0);
        MemoryOpArguments call = pointer.decode(MemoryOpArguments.KIND, guest, args);
        XenException refusal = (XenException) org.assertj.core.api.Assertions.catchThrowable(call::reservation);
        assertThat(refusal.errno()).isEqualTo(XenErrno.EINVAL);
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, 2);
        assertThatThrownBy(call::reservation).isSameAs(refusal);
    }

    @Test
    void anOperationThatIsNoReservationHasNoReservationView() {
        long[] args = {SubOps.MemoryOp.CURRENT_RESERVATION, FlatGuest.BASE};
        MemoryOpArguments call = pointer.decode(MemoryOpArguments.KIND, guest, args);
        assertThat(call.command().op()).isEqualTo(SubOps.MemoryOp.CURRENT_RESERVATION);
        assertThat(errnoOf(call::reservation)).isEqualTo(XenErrno.ENOSYS);
        assertThat(errnoOf(() -> pointer.decode(ReservationArguments.KIND, guest, args))).isEqualTo(XenErrno.ENOSYS);
        assertThat(errnoOf(() -> embedded.decode(ReservationArguments.KIND, guest, args, MAX_BLOCK))).isEqualTo(XenErrno.ENOSYS);
    }

    @Test
    void handleSitesNameTheStructAndItsExtentArray() {
        long[] args = pointer.prepare(guest, populate(5, 6, 7), null).args();
        HandleSiteFinder.MemoryReader reader = guest.reader();
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE)).contains(List.of(HandleSite.argument(1, 32,
                List.of(HandleSite.field(MemoryReservation.EXTENT_START_OFFSET, 24, List.of())))));

        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, HandleSite.MAX_LENGTH / 8);
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested().get(0).length())
                .isEqualTo(HandleSite.MAX_LENGTH);
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, HandleSite.MAX_LENGTH / 8 + 1);
        assertThat(errnoOf(() -> pointer.handleSites(args, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.E2BIG);
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, ReservationLimits.MAX_NR_EXTENTS);
        assertThat(errnoOf(() -> pointer.handleSites(args, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.E2BIG);
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, ReservationLimits.MAX_NR_EXTENTS + 1);
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested().get(0).length())
                .as("Xen refuses the call before touching the array").isZero();
        guest.pokeU64(args[1] + MemoryReservation.NR_EXTENTS_OFFSET, -1);
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested().get(0).length()).isZero();

        for (int op : new int[] {SubOps.MemoryOp.CURRENT_RESERVATION, SubOps.MemoryOp.MAXIMUM_RESERVATION}) {
            assertThat(pointer.handleSites(new long[] {op, 0x1234}, reader, HandleSiteFinder.NONE))
                    .contains(List.of(HandleSite.argument(1, 2, List.of())));
        }
        assertThat(pointer.handleSites(new long[] {SubOps.MemoryOp.EXCHANGE, 0x1234}, reader, HandleSiteFinder.NONE)).isEqualTo(Optional.empty());
        assertThat(pointer.handleSites(new long[] {5, 0x1234}, reader, HandleSiteFinder.NONE)).isEmpty();
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {SubOps.MemoryOp.DECREASE_RESERVATION, 8}, reader, HandleSiteFinder.NONE)))
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void anEmbeddedReservationIsDecodedFromOneCopyAndWrittenToBoth() {
        EmbeddedCall<ReservationOutcome> call = embedded.encode(populate(5, 6, 7), MAX_BLOCK, null);
        assertThat(call.op()).isEqualTo(HypercallNumber.MEMORY_OP);
        assertThat(call.refArg()).isEqualTo(1);
        assertThat(call.bytes()).hasSize(ReservationBlock.EXTENTS_OFFSET + 24);
        assertThat(embedded.blockBytes(populate(5, 6, 7), MAX_BLOCK, null)).isEqualTo(call.bytes().length);
        assertThat(call.patches()).isEmpty();
        FlatGuest.Issued issued = guest.issue(call);
        assertThat(issued.args()[0]).isEqualTo(SubOps.MemoryOp.POPULATE_PHYSMAP);

        ReservationArguments view = embedded.decode(ReservationArguments.KIND, guest, issued.args(), MAX_BLOCK);
        assertThat(view.reservation()).isEqualTo(new MemoryReservation(0, 3, 2, 3, 7));
        assertThat(view.hasExtentArray()).isTrue();
        assertThat(view.readExtent(0)).isEqualTo(5);
        assertThat(view.readExtent(2)).isEqualTo(7);
        long block = issued.args()[1];
        guest.pokeU64(block + ReservationBlock.EXTENTS_OFFSET, 55);
        assertThat(view.readExtent(0)).as("read from the copy, not the guest").isEqualTo(5);
        view.writeExtent(1, 0x4242);
        assertThat(view.readExtent(1)).isEqualTo(0x4242);
        assertThat(guest.peekU64(block + ReservationBlock.EXTENTS_OFFSET + 8)).isEqualTo(0x4242);
        assertThat(errnoOf(() -> view.readExtent(3))).isEqualTo(XenErrno.EINVAL);
        assertThat(view.continuationArgs(2)).containsExactly(new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 2).encode(), block);

        assertThat(call.completion().complete(2, issued.placed(), 0).extents()).containsExactly(55, 0x4242);
        assertThat(call.completion().complete(7, issued.placed(), 0).extents()).hasSize(3);
        assertThat(call.completion().complete(-12, issued.placed(), 0).extents()).isEmpty();
    }

    @Test
    void anEmbeddedBlockIsBoundedByTheMaximumExactly() {
        int fits = ReservationBlock.EXTENTS_OFFSET + 3 * 8;
        assertThat(embedded.encode(populate(1, 2, 3), fits, null).bytes()).hasSize(fits);
        assertThat(errnoOf(() -> embedded.encode(populate(1, 2, 3), fits - 1, null))).isEqualTo(XenErrno.E2BIG);
        assertThat(embedded.split(populate(1, 2, 3, 4, 5), ReservationBlock.EXTENTS_OFFSET + 16))
                .containsExactly(populate(1, 2), populate(3, 4), populate(5));

        long[] args = guest.issue(embedded.encode(populate(1, 2, 3), MAX_BLOCK, null)).args();
        assertThat(embedded.decode(ReservationArguments.KIND, guest, args, fits).reservation().nrExtents()).isEqualTo(3);
        assertThat(errnoOf(() -> embedded.decode(ReservationArguments.KIND, guest, args, fits - 1))).isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void anEmbeddedReservationIsRefusedForItsStartItsHeaderAndAnUnreachableBlock() {
        long[] args = guest.issue(embedded.encode(populate(1, 2, 3), MAX_BLOCK, null)).args();
        long[] resumed = args.clone();
        resumed[0] = new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 3).encode();
        assertThat(errnoOf(() -> embedded.decode(ReservationArguments.KIND, guest, resumed, MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
        resumed[0] = new MemoryOpCommand(SubOps.MemoryOp.POPULATE_PHYSMAP, 2).encode();
        assertThat(embedded.decode(ReservationArguments.KIND, guest, resumed, MAX_BLOCK).command().startExtent()).isEqualTo(2);

        guest.pokeU32(args[1] + EmbeddedBlockHeader.LENGTH_OFFSET, 8);
        assertThat(errnoOf(() -> embedded.decode(ReservationArguments.KIND, guest, args, MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> embedded.decode(ReservationArguments.KIND, guest, new long[] {0, guest.end() - 8}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EFAULT);
        MemoryOpArguments call = embedded.decode(MemoryOpArguments.KIND, guest, args, MAX_BLOCK);
        assertThat(call.argument()).isEqualTo(args[1]);
        assertThat(errnoOf(call::reservation)).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void theFramesReadBackAreEightBytesEach() {
        EmbeddedCall<ReservationOutcome> call = embedded.encode(populate(0, 0), MAX_BLOCK, null);
        FlatGuest.Issued issued = guest.issue(call);
        long block = issued.args()[1];
        guest.pokeU64(block + ReservationBlock.EXTENTS_OFFSET, -2);
        guest.pokeU64(block + ReservationBlock.EXTENTS_OFFSET + 8, 0x1_0000_0001L);
        assertThat(call.completion().complete(2, issued.placed(), 0).extents()).containsExactly(-2, 0x1_0000_0001L);
        assertThat(LittleEndian.u64(guest.peek(block + ReservationBlock.EXTENTS_OFFSET + 8, 8), 0)).isEqualTo(0x1_0000_0001L);
    }
}
