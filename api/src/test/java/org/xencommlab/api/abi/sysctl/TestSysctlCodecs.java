package org.xencommlab.api.abi.sysctl;

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
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** sysctl getdomaininfolist's codecs end to end: records written one at a time into the caller's room, the count copied back. */
class TestSysctlCodecs {
    private static final int MAX_BLOCK = 4096;
    private static final DomainInfo ZERO = DomainInfo.of(0, DomainInfo.DOMINF_RUNNING, 100, 200, 1);
    private static final DomainInfo ONE = DomainInfo.of(1, DomainInfo.DOMINF_PAUSED, 7, 8, 2);
    private final FlatGuest guest = new FlatGuest(1 << 16);
    private final SysctlAbi.Pointer pointer = new SysctlAbi.Pointer();
    private final SysctlAbi.Embedded embedded = new SysctlAbi.Embedded();

    @Test
    void theAbiDeclaresItsHypercallWordRequestAndKind() {
        SysctlAbi abi = new SysctlAbi();
        assertThat(abi.name()).isEqualTo("sysctl");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.SYSCTL);
        assertThat(abi.memoryArgument()).isZero();
        assertThat(abi.requestTypes()).containsExactly(GetDomainInfoListRequest.class);
        assertThat(abi.kinds()).containsExactly(GetDomainInfoListArguments.KIND);
        assertThat(abi.codecs()).hasSize(2);
    }

    @Test
    void thePointerFormMeasuresTheRoomThenTheStruct() {
        PlacementSize two = new PlacementSize();
        pointer.measure(new GetDomainInfoListRequest(0, 2), two, null);
        assertThat(two.total()).isEqualTo(2 * DomainInfo.SIZE + SysctlGetDomainInfoList.SIZE);
        PlacementSize none = new PlacementSize();
        pointer.measure(new GetDomainInfoListRequest(0, 0), none, null);
        assertThat(none.total()).isEqualTo(SysctlGetDomainInfoList.SIZE);
    }

    @Test
    void aPointerListIsWrittenRecordByRecordAndReadBackUpToItsCount() {
        PreparedCall<DomainInfoListOutcome> call = pointer.prepare(guest, new GetDomainInfoListRequest(3, 2), null);
        assertThat(call.op()).isEqualTo(HypercallNumber.SYSCTL);
        long[] args = call.args();
        assertThat(args).hasSize(1);
        GetDomainInfoListArguments view = pointer.decode(GetDomainInfoListArguments.KIND, guest, args);
        assertThat(view.firstDomain()).isEqualTo(3);
        assertThat(view.maxDomains()).isEqualTo(2);
        view.writeDomainInfo(1, ONE);
        view.writeDomainInfo(0, ZERO);
        assertThat(errnoOf(() -> view.writeDomainInfo(2, ONE))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> view.writeDomainInfo(-1, ONE))).isEqualTo(XenErrno.EINVAL);
        assertThat(call.complete(0).domains()).as("num_domains not written yet").isEmpty();
        view.finish(2);
        assertThat(call.complete(0)).isEqualTo(new DomainInfoListOutcome(0, List.of(ZERO, ONE)));
        view.finish(1);
        assertThat(call.complete(0).domains()).containsExactly(ZERO);
        assertThat(call.complete(-13)).isEqualTo(new DomainInfoListOutcome(-13, List.of()));
        assertThatThrownBy(() -> view.finish(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.finish(-1)).isInstanceOf(IllegalArgumentException.class);
        view.finish(0);
        assertThat(call.complete(0).domains()).isEmpty();

        guest.pokeU32(args[0] + SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, 9);
        assertThat(call.complete(0).domains()).as("bounded by what was asked").hasSize(2);
    }

    @Test
    void finishingCopiesTheWholeStructBackWithTheCount() {
        long[] args = pointer.prepare(guest, new GetDomainInfoListRequest(3, 2), null).args();
        byte[] before = guest.peek(args[0], SysctlGetDomainInfoList.SIZE);
        GetDomainInfoListArguments view = pointer.decode(GetDomainInfoListArguments.KIND, guest, args);
        guest.pokeU32(args[0] + 100, 0x5555);
        view.finish(2);
        LittleEndian.putU32(before, SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, 2);
        assertThat(guest.peek(args[0], SysctlGetDomainInfoList.SIZE)).as("Xen's copy, the guest's later bytes overwritten").isEqualTo(before);
    }

    @Test
    void anEmptyPointerListHasNoRoom() {
        PreparedCall<DomainInfoListOutcome> call = pointer.prepare(guest, new GetDomainInfoListRequest(0, 0), null);
        GetDomainInfoListArguments view = pointer.decode(GetDomainInfoListArguments.KIND, guest, call.args());
        assertThat(view.maxDomains()).isZero();
        assertThat(errnoOf(() -> view.writeDomainInfo(0, ZERO))).isEqualTo(XenErrno.EINVAL);
        view.finish(0);
        assertThat(call.complete(0).domains()).isEmpty();
        assertThat(guest.peekU64(call.args()[0] + SysctlGetDomainInfoList.BUFFER_OFFSET)).as("a NULL handle").isZero();
    }

    @Test
    void aPointerStructIsCheckedForVersionCommandAndReach() {
        long struct = FlatGuest.BASE + 512;
        guest.poke(struct, SysctlGetDomainInfoList.request(0, 1, FlatGuest.BASE).encodePointer());
        guest.pokeU32(struct + SysctlGetDomainInfoList.INTERFACE_VERSION_OFFSET, SysctlGetDomainInfoList.INTERFACE_VERSION + 1);
        assertThat(errnoOf(() -> pointer.decode(GetDomainInfoListArguments.KIND, guest, new long[] {struct}))).isEqualTo(XenErrno.EACCES);
        guest.poke(struct, SysctlGetDomainInfoList.request(0, 1, FlatGuest.BASE).encodePointer());
        guest.pokeU32(struct + SysctlGetDomainInfoList.CMD_OFFSET, 5);
        assertThat(errnoOf(() -> pointer.decode(GetDomainInfoListArguments.KIND, guest, new long[] {struct}))).isEqualTo(XenErrno.ENOSYS);
        assertThat(errnoOf(() -> pointer.decode(GetDomainInfoListArguments.KIND, guest, new long[] {guest.end() - 135})))
                .isEqualTo(XenErrno.EFAULT);
        guest.poke(struct, SysctlGetDomainInfoList.request(0, 2, guest.end() - DomainInfo.SIZE).encodePointer());
        GetDomainInfoListArguments view = pointer.decode(GetDomainInfoListArguments.KIND, guest, new long[] {struct});
        view.writeDomainInfo(0, ZERO);
        assertThat(errnoOf(() -> view.writeDomainInfo(1, ONE))).as("room past the guest's memory").isEqualTo(XenErrno.EFAULT);
        guest.poke(struct, SysctlGetDomainInfoList.request(0, -1, FlatGuest.BASE).encodePointer());
        assertThat(pointer.decode(GetDomainInfoListArguments.KIND, guest, new long[] {struct}).maxDomains()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void handleSitesNameTheStructAndItsRoom() {
        long[] args = pointer.prepare(guest, new GetDomainInfoListRequest(0, 3), null).args();
        HandleSiteFinder.MemoryReader reader = guest.reader();
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE)).contains(List.of(HandleSite.argument(0, SysctlGetDomainInfoList.SIZE,
                List.of(HandleSite.field(SysctlGetDomainInfoList.BUFFER_OFFSET, 3L * DomainInfo.SIZE, List.of())))));
        long most = HandleSite.MAX_LENGTH / DomainInfo.SIZE;
        guest.pokeU32(args[0] + SysctlGetDomainInfoList.MAX_DOMAINS_OFFSET, most);
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested().get(0).length())
                .isEqualTo(most * DomainInfo.SIZE);
        guest.pokeU32(args[0] + SysctlGetDomainInfoList.MAX_DOMAINS_OFFSET, most + 1);
        assertThat(errnoOf(() -> pointer.handleSites(args, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.E2BIG);
        guest.pokeU32(args[0] + SysctlGetDomainInfoList.MAX_DOMAINS_OFFSET, -1);
        assertThat(errnoOf(() -> pointer.handleSites(args, reader, HandleSiteFinder.NONE))).as("unsigned").isEqualTo(XenErrno.E2BIG);
        guest.pokeU32(args[0] + SysctlGetDomainInfoList.CMD_OFFSET, SubOps.Sysctl.GETDOMAININFOLIST + 1);
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(0, SysctlGetDomainInfoList.SIZE, List.of())));
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {guest.end() - 8}, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void anEmbeddedListIsWrittenIntoItsBlock() {
        GetDomainInfoListRequest request = new GetDomainInfoListRequest(4, 2);
        int length = SysctlBlock.RECORDS_OFFSET + 2 * DomainInfo.SIZE;
        assertThat(embedded.blockBytes(request, MAX_BLOCK, null)).isEqualTo(length);
        EmbeddedCall<DomainInfoListOutcome> call = embedded.encode(request, MAX_BLOCK, null);
        assertThat(call.op()).isEqualTo(HypercallNumber.SYSCTL);
        assertThat(call.refArg()).isZero();
        assertThat(call.bytes()).hasSize(length);
        FlatGuest.Issued issued = guest.issue(call);
        long block = issued.args()[0];
        GetDomainInfoListArguments view = embedded.decode(GetDomainInfoListArguments.KIND, guest, issued.args(), MAX_BLOCK);
        assertThat(view.firstDomain()).isEqualTo(4);
        assertThat(view.maxDomains()).isEqualTo(2);
        view.writeDomainInfo(0, ZERO);
        view.writeDomainInfo(1, ONE);
        assertThat(DomainInfo.decode(guest.peek(block + SysctlBlock.recordOffset(1), DomainInfo.SIZE), 0)).isEqualTo(ONE);
        assertThat(errnoOf(() -> view.writeDomainInfo(2, ONE))).isEqualTo(XenErrno.EINVAL);
        view.finish(2);
        assertThat(LittleEndian.u32(guest.peek(block + SysctlBlock.NUM_DOMAINS_OFFSET, 4), 0)).isEqualTo(2);
        assertThat(call.completion().complete(0, issued.placed(), 0)).isEqualTo(new DomainInfoListOutcome(0, List.of(ZERO, ONE)));
        view.finish(1);
        assertThat(call.completion().complete(0, issued.placed(), 0).domains()).containsExactly(ZERO);
        assertThat(call.completion().complete(-1, issued.placed(), 0).domains()).isEmpty();
    }

    @Test
    void anEmbeddedListIsBoundedByOneBlock() {
        int most = SysctlBlock.maxDomains(MAX_BLOCK);
        assertThat(embedded.encode(new GetDomainInfoListRequest(0, most), MAX_BLOCK, null).bytes())
                .hasSize(SysctlBlock.RECORDS_OFFSET + most * DomainInfo.SIZE);
        assertThat(errnoOf(() -> embedded.encode(new GetDomainInfoListRequest(0, most + 1), MAX_BLOCK, null))).isEqualTo(XenErrno.E2BIG);
        assertThat(embedded.split(new GetDomainInfoListRequest(7, most + 5), MAX_BLOCK)).containsExactly(new GetDomainInfoListRequest(7, most));
        assertThat(embedded.split(new GetDomainInfoListRequest(7, 1), MAX_BLOCK)).containsExactly(new GetDomainInfoListRequest(7, 1));

        long block = guest.issue(embedded.encode(new GetDomainInfoListRequest(0, 2), MAX_BLOCK, null)).args()[0];
        int exact = SysctlBlock.RECORDS_OFFSET + 2 * DomainInfo.SIZE;
        assertThat(embedded.decode(GetDomainInfoListArguments.KIND, guest, new long[] {block}, exact).maxDomains()).isEqualTo(2);
        assertThat(errnoOf(() -> embedded.decode(GetDomainInfoListArguments.KIND, guest, new long[] {block}, exact - 1)))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> embedded.decode(GetDomainInfoListArguments.KIND, guest, new long[] {guest.end() - 39}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void anEmbeddedListsRecordsMayLiePastTheGuestsMemoryUntilWritten() {
        byte[] fixed = java.util.Arrays.copyOf(SysctlBlock.encode(0, 2), SysctlBlock.RECORDS_OFFSET);
        long block = guest.end() - SysctlBlock.RECORDS_OFFSET - DomainInfo.SIZE;
        guest.poke(block, fixed);
        GetDomainInfoListArguments view = embedded.decode(GetDomainInfoListArguments.KIND, guest, new long[] {block}, MAX_BLOCK);
        view.writeDomainInfo(0, ZERO);
        assertThat(errnoOf(() -> view.writeDomainInfo(1, ONE))).isEqualTo(XenErrno.EFAULT);
        view.finish(1);
        assertThat(LittleEndian.u32(guest.peek(block + SysctlBlock.NUM_DOMAINS_OFFSET, 4), 0)).isEqualTo(1);
    }

    @Test
    void aBlockHoldsAsManyWholeRecordsAsFit() {
        assertThat(SysctlBlock.maxDomains(MAX_BLOCK)).isEqualTo((MAX_BLOCK - 40) / 112).isEqualTo(36);
        assertThat(SysctlBlock.maxDomains(40 + 112)).isEqualTo(1);
        assertThat(SysctlBlock.maxDomains(40 + 111)).isZero();
        assertThat(SysctlBlock.maxDomains(0)).isZero();
    }

    @Test
    void theCountTravelsInThePointerStruct() {
        SysctlGetDomainInfoList request = SysctlGetDomainInfoList.request(3, 4, 0x1000);
        SysctlGetDomainInfoList answered = request.withNumDomains(2);
        assertThat(answered.numDomains()).isEqualTo(2);
        assertThat(answered.withNumDomains(0)).isEqualTo(request);
        assertThat(SysctlGetDomainInfoList.decodePointer(answered.encodePointer())).isEqualTo(answered);
    }
}
