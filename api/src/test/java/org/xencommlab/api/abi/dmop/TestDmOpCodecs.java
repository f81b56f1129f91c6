package org.xencommlab.api.abi.dmop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;

/** dm_op's codecs end to end: buffers by index and offset, each access bounded by its buffer's size. */
class TestDmOpCodecs {
    private static final int MAX_BLOCK = 4096;
    private final FlatGuest guest = new FlatGuest(1 << 16);
    private final DmOpAbi.Pointer pointer = new DmOpAbi.Pointer();
    private final DmOpAbi.Embedded embedded = new DmOpAbi.Embedded();

    private static final ModifiedMemoryExtent A = new ModifiedMemoryExtent(3, 0x100);
    private static final ModifiedMemoryExtent B = new ModifiedMemoryExtent(1, 0x2_0000_0000L);

    /** Places buffers of the given sizes over the given bytes and returns the words of a call naming them. */
    private long[] call(int domid, byte[] op, long opSize, byte[] extents, long extentsSize) {
        long opAt = guest.place(op).reference().value();
        List<DmOpBuf> bufs = extents == null ? List.of(new DmOpBuf(opAt, opSize))
                : List.of(new DmOpBuf(opAt, opSize), new DmOpBuf(guest.place(extents).reference().value(), extentsSize));
        return new long[] {domid, bufs.size(), guest.place(DmOpBuf.encodeArray(bufs)).reference().value()};
    }

    private static byte[] extents(ModifiedMemoryExtent... extents) {
        byte[] bytes = new byte[extents.length * ModifiedMemoryExtent.SIZE];
        for (int i = 0; i < extents.length; i++) {
            extents[i].encode(bytes, i * ModifiedMemoryExtent.SIZE);
        }
        return bytes;
    }

    @Test
    void theAbiDeclaresItsHypercallWordRequestAndKind() {
        DmOpAbi abi = new DmOpAbi();
        assertThat(abi.name()).isEqualTo("dm_op");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.DM_OP);
        assertThat(abi.memoryArgument()).isEqualTo(2);
        assertThat(abi.requestTypes()).containsExactly(ModifiedMemoryRequest.class);
        assertThat(abi.kinds()).containsExactly(DmOpArguments.KIND);
        assertThat(abi.codecs()).hasSize(2);
    }

    @Test
    void thePointerFormMeasuresTheOperationTheExtentsAndTheBufferArray() {
        PlacementSize two = new PlacementSize();
        pointer.measure(new ModifiedMemoryRequest(1, List.of(A, B)), two, null);
        assertThat(two.total()).isEqualTo(16 + 32 + 32);
        PlacementSize none = new PlacementSize();
        pointer.measure(new ModifiedMemoryRequest(1, List.of()), none, null);
        assertThat(none.total()).isEqualTo(16 + 16);
    }

    @Test
    void aPointerDmOpIsDecodedReadAndWrittenBack() {
        PreparedCall<ModifiedMemoryOutcome> call = pointer.prepare(guest, new ModifiedMemoryRequest(0x1234, List.of(A, B)), null);
        assertThat(call.op()).isEqualTo(HypercallNumber.DM_OP);
        long[] args = call.args();
        assertThat(args).hasSize(3);
        assertThat(args[0]).isEqualTo(0x1234);
        assertThat(args[1]).isEqualTo(2);
        args[0] |= 0x7_0000;
        DmOpArguments view = pointer.decode(DmOpArguments.KIND, guest, args);
        assertThat(view.domid()).as("a domid_t").isEqualTo(0x1234);
        assertThat(view.readOp()).isEqualTo(new ModifiedMemoryOp(2, 0));
        assertThat(view.extentCapacity()).isEqualTo(2);
        assertThat(view.readExtent(0)).isEqualTo(A);
        assertThat(view.readExtent(1)).isEqualTo(B);
        assertThat(errnoOf(() -> view.readExtent(2))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> view.readExtent(-1))).isEqualTo(XenErrno.EFAULT);
        view.writeOp(new ModifiedMemoryOp(1, 5));
        assertThat(view.readOp()).isEqualTo(new ModifiedMemoryOp(1, 5));
        assertThat(call.complete(-4)).isEqualTo(new ModifiedMemoryOutcome(-4, new ModifiedMemoryOp(1, 5)));
        assertThat(view.continuationArgs()).containsExactly(args);
        view.continuationArgs()[0] = 0;
        assertThat(view.continuationArgs()).containsExactly(args);
    }

    @Test
    void aPointerDmOpWithoutExtentsHasOneBufferAndNoCapacity() {
        long[] args = pointer.prepare(guest, new ModifiedMemoryRequest(1, List.of()), null).args();
        assertThat(args[1]).isEqualTo(1);
        DmOpArguments view = pointer.decode(DmOpArguments.KIND, guest, args);
        assertThat(view.readOp()).isEqualTo(new ModifiedMemoryOp(0, 0));
        assertThat(view.extentCapacity()).isZero();
        assertThat(errnoOf(() -> view.readExtent(0))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 0, args[2]}).readOp()))
                .as("no buffer 0").isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 0, args[2]})
                .writeOp(new ModifiedMemoryOp(0, 0)))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void atMostTwoBuffersAndTheirArrayMustBeReachable() {
        long[] args = pointer.prepare(guest, new ModifiedMemoryRequest(1, List.of(A)), null).args();
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 3, args[2]}))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, new long[] {1, -1, args[2]}))).isEqualTo(XenErrno.E2BIG);
        assertThat(pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 0x1_0000_0002L, args[2]}).extentCapacity())
                .as("nr_bufs is an unsigned int").isEqualTo(1);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 2, guest.end() - 31}))).isEqualTo(XenErrno.EFAULT);
        assertThat(pointer.decode(DmOpArguments.KIND, guest, new long[] {1, 0, 0}).extentCapacity()).isZero();
    }

    @Test
    void bufferZeroMustHoldTheHeaderThenTheWholeOperation() {
        byte[] op = new ModifiedMemoryOp(1, 0).encode();
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, op, 7, null, 0)).readOp())).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, op, 8, null, 0)).readOp())).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, op, 15, null, 0)).writeOp(new ModifiedMemoryOp(0, 0))))
                .isEqualTo(XenErrno.EFAULT);
        assertThat(pointer.decode(DmOpArguments.KIND, guest, call(1, op, 16, null, 0)).readOp()).isEqualTo(new ModifiedMemoryOp(1, 0));
        assertThat(pointer.decode(DmOpArguments.KIND, guest, call(1, op, -1, null, 0)).readOp()).as("an unsigned size")
                .isEqualTo(new ModifiedMemoryOp(1, 0));
        byte[] other = op.clone();
        other[ModifiedMemoryOp.OP_OFFSET] = 3;
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, other, 8, null, 0)).readOp()))
                .as("the operation is judged from the header alone").isEqualTo(XenErrno.EOPNOTSUPP);
        byte[] padded = op.clone();
        padded[ModifiedMemoryOp.PAD_OFFSET] = 1;
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, padded, 16, null, 0)).readOp())).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void bufferOneHoldsAsManyExtentsAsItsSizeSays() {
        byte[] op = new ModifiedMemoryOp(2, 0).encode();
        DmOpArguments shortOne = pointer.decode(DmOpArguments.KIND, guest, call(1, op, 16, extents(A, B), 31));
        assertThat(shortOne.extentCapacity()).isEqualTo(1);
        assertThat(shortOne.readExtent(0)).isEqualTo(A);
        assertThat(errnoOf(() -> shortOne.readExtent(1))).isEqualTo(XenErrno.EFAULT);
        DmOpArguments exact = pointer.decode(DmOpArguments.KIND, guest, call(1, op, 16, extents(A, B), 32));
        assertThat(exact.extentCapacity()).isEqualTo(2);
        assertThat(exact.readExtent(1)).isEqualTo(B);
        DmOpArguments huge = pointer.decode(DmOpArguments.KIND, guest, call(1, op, 16, extents(A, B), -16));
        assertThat(huge.extentCapacity()).as("an unsigned size").isEqualTo(Long.divideUnsigned(-16, 16));
        assertThat(huge.readExtent(1)).isEqualTo(B);
        assertThat(errnoOf(() -> huge.readExtent(1L << 40))).as("beyond the guest's memory").isEqualTo(XenErrno.EFAULT);
        byte[] padded = extents(A);
        padded[ModifiedMemoryExtent.PAD_OFFSET] = 1;
        assertThat(errnoOf(() -> pointer.decode(DmOpArguments.KIND, guest, call(1, op, 16, padded, 16)).readExtent(0)))
                .isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void handleSitesNameTheArrayAndEachBuffer() {
        long[] args = pointer.prepare(guest, new ModifiedMemoryRequest(1, List.of(A, B)), null).args();
        HandleSiteFinder.MemoryReader reader = guest.reader();
        assertThat(pointer.handleSites(args, reader, HandleSiteFinder.NONE)).contains(List.of(HandleSite.argument(2, 32,
                List.of(HandleSite.field(0, 16, List.of()), HandleSite.field(16, 32, List.of())))));
        assertThat(pointer.handleSites(new long[] {1, 0, 0}, reader, HandleSiteFinder.NONE)).contains(List.of(HandleSite.argument(2, 0, List.of())));
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {1, 3, args[2]}, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.E2BIG);
        assertThat(pointer.handleSites(new long[] {1, 0x1_0000_0001L, args[2]}, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested())
                .hasSize(1);
        long[] big = call(1, new byte[16], HandleSite.MAX_LENGTH, new byte[16], HandleSite.MAX_LENGTH + 1);
        assertThat(errnoOf(() -> pointer.handleSites(big, reader, HandleSiteFinder.NONE))).isEqualTo(XenErrno.E2BIG);
        long[] most = call(1, new byte[16], HandleSite.MAX_LENGTH, null, 0);
        assertThat(pointer.handleSites(most, reader, HandleSiteFinder.NONE).orElseThrow().get(0).nested().get(0).length())
                .isEqualTo(HandleSite.MAX_LENGTH);
        assertThat(errnoOf(() -> pointer.handleSites(new long[] {1, 2, guest.end() - 31}, reader, HandleSiteFinder.NONE)))
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void anEmbeddedDmOpIsOneBlockCopiedOnce() {
        ModifiedMemoryRequest request = new ModifiedMemoryRequest(0x22, List.of(A, B));
        assertThat(embedded.blockBytes(request, MAX_BLOCK, null)).isEqualTo(DmOpBlock.EXTENTS_OFFSET + 32);
        EmbeddedCall<ModifiedMemoryOutcome> call = embedded.encode(request, MAX_BLOCK, null);
        assertThat(call.op()).isEqualTo(HypercallNumber.DM_OP);
        assertThat(call.refArg()).isEqualTo(2);
        assertThat(call.bytes()).hasSize(DmOpBlock.EXTENTS_OFFSET + 32);
        FlatGuest.Issued issued = guest.issue(call);
        long block = issued.args()[2];
        assertThat(issued.args()).containsExactly(0x22, 1, block);

        DmOpArguments view = embedded.decode(DmOpArguments.KIND, guest, issued.args(), MAX_BLOCK);
        assertThat(view.domid()).isEqualTo(0x22);
        assertThat(view.readOp()).isEqualTo(new ModifiedMemoryOp(2, 0));
        assertThat(view.extentCapacity()).isEqualTo(2);
        guest.poke(block + DmOpBlock.EXTENTS_OFFSET, extents(B));
        assertThat(view.readExtent(0)).as("the copy, not the guest's later bytes").isEqualTo(A);
        assertThat(view.readExtent(1)).isEqualTo(B);
        assertThat(errnoOf(() -> view.readExtent(2))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(() -> view.readExtent(-1))).isEqualTo(XenErrno.EFAULT);
        view.writeOp(new ModifiedMemoryOp(1, 9));
        assertThat(call.completion().complete(0, issued.placed(), 0)).isEqualTo(new ModifiedMemoryOutcome(0, new ModifiedMemoryOp(1, 9)));
        assertThat(view.continuationArgs()).containsExactly(0x22, 1, block);
        assertThat(embedded.decode(DmOpArguments.KIND, guest, new long[] {0x5_0022, 1, block}, MAX_BLOCK).domid()).isEqualTo(0x22);
    }

    @Test
    void anEmbeddedDmOpPassesExactlyOneBlockWithinTheMaximum() {
        ModifiedMemoryRequest request = new ModifiedMemoryRequest(1, List.of(A, B));
        long block = guest.issue(embedded.encode(request, MAX_BLOCK, null)).args()[2];
        assertThat(errnoOf(() -> embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 2, block}, MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 0, block}, MAX_BLOCK))).isEqualTo(XenErrno.EINVAL);
        assertThat(embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 0x1_0000_0001L, block}, MAX_BLOCK).extentCapacity()).isEqualTo(2);
        int exact = DmOpBlock.EXTENTS_OFFSET + 32;
        assertThat(embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 1, block}, exact).extentCapacity()).isEqualTo(2);
        assertThat(errnoOf(() -> embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 1, block}, exact - 1))).isEqualTo(XenErrno.E2BIG);
        assertThat(embedded.encode(request, exact, null).bytes()).hasSize(exact);
        assertThat(errnoOf(() -> embedded.encode(request, exact - 1, null))).isEqualTo(XenErrno.E2BIG);
        assertThat(embedded.split(new ModifiedMemoryRequest(1, List.of(A, B, A)), DmOpBlock.EXTENTS_OFFSET + 32))
                .containsExactly(new ModifiedMemoryRequest(1, List.of(A, B)), new ModifiedMemoryRequest(1, List.of(A)));
        assertThat(errnoOf(() -> embedded.decode(DmOpArguments.KIND, guest, new long[] {1, 1, guest.end() - 8}, MAX_BLOCK)))
                .isEqualTo(XenErrno.EFAULT);
    }
}
