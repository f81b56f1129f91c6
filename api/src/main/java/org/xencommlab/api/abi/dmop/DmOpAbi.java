package org.xencommlab.api.abi.dmop;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HandleSiteFinder.MemoryReader;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.codec.EmbeddedBlocks;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.FormCodec;
import org.xencommlab.api.abi.codec.HypercallAbi;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.codec.SimplePreparedCall;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.MemoryReference;

/**
 * {@code dm_op} XEN_DMOP_modified_memory in each form: {@link ModifiedMemoryRequest} on the guest
 * side, {@link DmOpArguments#KIND} on the hypervisor side.
 */
public final class DmOpAbi implements HypercallAbi {
    @Override
    public String name() {
        return "dm_op";
    }

    /** {@code dm_op(domid, nr_bufs, bufs)}: {@code bufs} names the buffer array (or the block). */
    public static final int MEMORY_ARGUMENT = 2;

    @Override
    public int hypercall() {
        return HypercallNumber.DM_OP;
    }

    @Override
    public int memoryArgument() {
        return MEMORY_ARGUMENT;
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of(new Pointer(), new Embedded());
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of(ModifiedMemoryRequest.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of(DmOpArguments.KIND);
    }

    /** Reads the operation back without judging it (the guest reads what the hypervisor left). */
    private static ModifiedMemoryOp readOp(Placed placed, int offset) {
        byte[] bytes = new byte[ModifiedMemoryOp.SIZE];
        placed.read(offset, bytes, 0, bytes.length);
        return new ModifiedMemoryOp(LittleEndian.u32Bits(bytes, ModifiedMemoryOp.NR_EXTENTS_OFFSET),
                LittleEndian.u32Bits(bytes, ModifiedMemoryOp.OPAQUE_OFFSET));
    }

    private static int domid(long[] args) {
        return (int) (ArgumentWords.word(args, 0) & 0xFFFF);
    }

    /** Xen's array of {@code xen_dm_op_buf}: buffer 0 the operation, buffer 1 the extents. */
    static final class Pointer implements PointerCodec {
        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            int n = ((ModifiedMemoryRequest) request).extents().size();
            size.piece(ModifiedMemoryOp.SIZE);
            size.pieceIfAny((long) n * ModifiedMemoryExtent.SIZE);
            size.piece((long) (n == 0 ? 1 : 2) * DmOpBuf.SIZE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            ModifiedMemoryRequest d = (ModifiedMemoryRequest) request;
            List<ModifiedMemoryExtent> extents = d.extents();
            Placed op = placement.place(new ModifiedMemoryOp(extents.size(), 0).encode());
            List<DmOpBuf> bufs = new ArrayList<>(DmOp.MAX_BUFS);
            bufs.add(new DmOpBuf(op.reference().value(), ModifiedMemoryOp.SIZE));
            if (!extents.isEmpty()) {
                byte[] array = new byte[extents.size() * ModifiedMemoryExtent.SIZE];
                for (int i = 0; i < extents.size(); i++) {
                    extents.get(i).encode(array, i * ModifiedMemoryExtent.SIZE);
                }
                Placed placedExtents = placement.place(array);
                bufs.add(new DmOpBuf(placedExtents.reference().value(), array.length));
            }
            Placed placedBufs = placement.place(DmOpBuf.encodeArray(bufs));
            long[] args = {d.domid(), bufs.size(), placedBufs.reference().value()};
            return (PreparedCall<R>) new SimplePreparedCall<ModifiedMemoryOutcome>(HypercallNumber.DM_OP, args,
                    result -> new ModifiedMemoryOutcome(result, readOp(op, 0)));
        }

        /** {@code nr_bufs * 16} bytes, and each buffer's handle naming its {@code size}; E2BIG beyond {@link DmOp#MAX_BUFS} buffers. */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            long nrBufs = ArgumentWords.u32(args, 1);
            if (nrBufs > DmOp.MAX_BUFS) {
                throw new XenException(XenErrno.E2BIG, nrBufs + " dm_op buffers, at most " + DmOp.MAX_BUFS);
            }
            byte[] array = new byte[(int) nrBufs * DmOpBuf.SIZE];
            reader.read(ArgumentWords.word(args, MEMORY_ARGUMENT), array, 0, array.length);
            List<HandleSite> buffers = new ArrayList<>();
            for (int i = 0; i < nrBufs; i++) {
                long size = LittleEndian.u64(array, i * DmOpBuf.SIZE + DmOpBuf.SIZE_OFFSET);
                buffers.add(HandleSite.field((long) i * DmOpBuf.SIZE + DmOpBuf.HANDLE_OFFSET, HandleSite.bounded(size), List.of()));
            }
            return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, array.length, buffers)));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            long nrBufs = ArgumentWords.u32(args, 1);
            if (nrBufs > DmOp.MAX_BUFS) {
                throw new XenException(XenErrno.E2BIG, nrBufs + " dm_op buffers, at most " + DmOp.MAX_BUFS);
            }
            byte[] copy = new byte[(int) nrBufs * DmOpBuf.SIZE];
            ArgumentMemory.copyIn(guest, copy, 0, new MemoryReference(ArgumentWords.word(args, MEMORY_ARGUMENT)), 0, copy.length);
            return kind.type().cast(new PointerView(guest, domid(args), DmOpBuf.decodeArray(copy),
                    new long[] {ArgumentWords.word(args, 0), ArgumentWords.word(args, 1), ArgumentWords.word(args, 2)}));
        }
    }

    private static final class PointerView implements DmOpArguments {
        private final GuestCopy guest;
        private final int domid;
        private final List<DmOpBuf> bufs;
        private final long[] args;

        PointerView(GuestCopy guest, int domid, List<DmOpBuf> bufs, long[] args) {
            this.guest = guest;
            this.domid = domid;
            this.bufs = bufs;
            this.args = args;
        }

        @Override
        public int domid() {
            return domid;
        }

        private DmOpBuf buf(int index, long offset, int length) {
            if (index >= bufs.size()) {
                throw new XenException(XenErrno.EFAULT, "dm_op buffer " + index + " not given");
            }
            DmOpBuf buf = bufs.get(index);
            if (offset < 0 || Long.compareUnsigned(buf.size(), offset + length) < 0) {
                throw new XenException(XenErrno.EFAULT, "dm_op buffer " + index + " of " + Long.toUnsignedString(buf.size())
                        + " bytes has no " + length + " bytes at " + offset);
            }
            return buf;
        }

        @Override
        public ModifiedMemoryOp readOp() {
            byte[] bytes = new byte[ModifiedMemoryOp.SIZE];
            DmOpBuf op = buf(0, 0, DmOp.HEADER_SIZE);
            ArgumentMemory.copyIn(guest, bytes, 0, new MemoryReference(op.handle()), 0, DmOp.HEADER_SIZE);
            if (LittleEndian.u32(bytes, ModifiedMemoryOp.OP_OFFSET) != DmOp.MODIFIED_MEMORY) {
                throw new XenException(XenErrno.EOPNOTSUPP, "dm_op " + LittleEndian.u32(bytes, 0) + " is not modelled");
            }
            buf(0, 0, ModifiedMemoryOp.SIZE);
            ArgumentMemory.copyIn(guest, bytes, DmOp.HEADER_SIZE, new MemoryReference(op.handle()), DmOp.HEADER_SIZE,
                    ModifiedMemoryOp.SIZE - DmOp.HEADER_SIZE);
            return ModifiedMemoryOp.decode(bytes, 0);
        }

        @Override
        public long extentCapacity() {
            return bufs.size() > DmOp.EXTENTS_BUFFER
                    ? Long.divideUnsigned(bufs.get(DmOp.EXTENTS_BUFFER).size(), ModifiedMemoryExtent.SIZE)
                    : 0;
        }

        @Override
        public ModifiedMemoryExtent readExtent(long index) {
            if (index < 0 || index >= extentCapacity()) {
                throw new XenException(XenErrno.EFAULT, "extent " + index + " beyond buffer 1");
            }
            DmOpBuf buf = buf(DmOp.EXTENTS_BUFFER, index * ModifiedMemoryExtent.SIZE, ModifiedMemoryExtent.SIZE);
            byte[] bytes = new byte[ModifiedMemoryExtent.SIZE];
            ArgumentMemory.copyIn(guest, bytes, 0, new MemoryReference(buf.handle()), index * ModifiedMemoryExtent.SIZE, bytes.length);
            return ModifiedMemoryExtent.decode(bytes, 0);
        }

        @Override
        public void writeOp(ModifiedMemoryOp op) {
            DmOpBuf buf = buf(0, 0, ModifiedMemoryOp.SIZE);
            ArgumentMemory.copyOut(guest, new MemoryReference(buf.handle()), 0, op.encode(), 0, ModifiedMemoryOp.SIZE);
        }

        @Override
        public long[] continuationArgs() {
            return args.clone();
        }
    }

    /** The dm_op block: the operation and its extents inline; {@code nr_bufs} is 1. */
    static final class Embedded implements EmbeddedCodec {
        @Override
        @SuppressWarnings("unchecked")
        public <Q extends HypercallRequest<?>> List<Q> split(Q request, int maxBlock) {
            return (List<Q>) ((ModifiedMemoryRequest) request).split(DmOpBlock.maxExtents(maxBlock));
        }

        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            return DmOpBlock.EXTENTS_OFFSET + (long) ((ModifiedMemoryRequest) request).extents().size() * ModifiedMemoryExtent.SIZE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            ModifiedMemoryRequest d = (ModifiedMemoryRequest) request;
            List<ModifiedMemoryExtent> extents = d.extents();
            byte[] block = EmbeddedBlocks.fit(DmOpBlock.encode(new ModifiedMemoryOp(extents.size(), 0), extents), maxBlock, d);
            return (EmbeddedCall<R>) new EmbeddedCall<ModifiedMemoryOutcome>(HypercallNumber.DM_OP, new long[] {d.domid(), 1, 0}, MEMORY_ARGUMENT, block,
                    List.of(), (result, placed, base) -> new ModifiedMemoryOutcome(result, readOp(placed, base + DmOpBlock.OP_OFFSET)));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            if (ArgumentWords.u32(args, 1) != 1) {
                throw new XenException(XenErrno.EINVAL, "an embedded dm_op passes one block, not " + ArgumentWords.u32(args, 1));
            }
            long word = ArgumentWords.word(args, MEMORY_ARGUMENT);
            MemoryReference ref = new MemoryReference(word);
            byte[] block = EmbeddedBlocks.copy(guest, ref, BlockKind.DM_OP, maxBlock);
            ModifiedMemoryOp op = DmOpBlock.decode(block, maxBlock);
            return kind.type().cast(new EmbeddedView(domid(args), op, block, ArgumentMemory.copiedBlock(guest, ref, block),
                    new long[] {ArgumentWords.word(args, 0), ArgumentWords.word(args, 1), word}));
        }
    }

    private static final class EmbeddedView implements DmOpArguments {
        private final int domid;
        private final ModifiedMemoryOp op;
        private final byte[] block;
        private final ArgumentMemory memory;
        private final long[] continuation;

        EmbeddedView(int domid, ModifiedMemoryOp op, byte[] block, ArgumentMemory memory, long[] continuation) {
            this.domid = domid;
            this.op = op;
            this.block = block;
            this.memory = memory;
            this.continuation = continuation;
        }

        @Override
        public int domid() {
            return domid;
        }

        @Override
        public ModifiedMemoryOp readOp() {
            return op;
        }

        @Override
        public long extentCapacity() {
            return DmOpBlock.extentCapacity(block);
        }

        @Override
        public ModifiedMemoryExtent readExtent(long index) {
            if (index < 0 || index >= extentCapacity()) {
                throw new XenException(XenErrno.EFAULT, "extent " + index + " beyond the block");
            }
            byte[] bytes = new byte[ModifiedMemoryExtent.SIZE];
            memory.read(DmOpBlock.extentOffset((int) index), bytes, 0, bytes.length);
            return ModifiedMemoryExtent.decode(bytes, 0);
        }

        @Override
        public void writeOp(ModifiedMemoryOp newOp) {
            memory.write(DmOpBlock.OP_OFFSET, newOp.encode(), 0, ModifiedMemoryOp.SIZE);
        }

        @Override
        public long[] continuationArgs() {
            return continuation.clone();
        }
    }
}
