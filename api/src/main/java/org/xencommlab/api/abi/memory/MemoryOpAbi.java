package org.xencommlab.api.abi.memory;

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
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;

/**
 * {@code memory_op}'s reservation sub-ops (increase/decrease_reservation, populate_physmap) in
 * each form: {@link ReservationRequest} on the guest side, {@link ReservationArguments#KIND} on the
 * hypervisor side, and every {@code memory_op} call as {@link MemoryOpArguments#KIND}. The
 * {@code cmd} word is decoded once, here, and handed to the handler in
 * {@link MemoryOpArguments#command()} (the same command its reservation view carries).
 */
public final class MemoryOpAbi implements HypercallAbi {
    @Override
    public String name() {
        return "memory_op";
    }

    /** {@code memory_op(cmd, arg)}: {@code arg} names the reservation (or a query's domid, or the block). */
    public static final int MEMORY_ARGUMENT = 1;

    @Override
    public int hypercall() {
        return HypercallNumber.MEMORY_OP;
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
        return List.of(ReservationRequest.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of(MemoryOpArguments.KIND, ReservationArguments.KIND);
    }

    /** How one form reads the reservation a call names, given the command decoded once. */
    @FunctionalInterface
    private interface ReservationDecoder {
        ReservationArguments decode(MemoryOpCommand command, long argument);
    }

    /**
     * The one place {@code memory_op}'s {@code cmd} word is decoded: the call's view for
     * {@code kind} ({@link MemoryOpArguments#KIND}, or {@link ReservationArguments#KIND} for the
     * reservation straight away), with the form's reservation decoder run at most once.
     */
    private static <V> V decodeCall(ArgumentKind<V> kind, long[] args, ReservationDecoder decoder) {
        Call call = new Call(MemoryOpCommand.decode(ArgumentWords.word(args, 0)), ArgumentWords.word(args, MEMORY_ARGUMENT), decoder);
        return kind.type().cast(kind.equals(MemoryOpArguments.KIND) ? call : call.reservation());
    }

    /** {@link MemoryOpArguments}: the words decoded, the reservation read on first demand and kept (or its refusal). */
    private static final class Call implements MemoryOpArguments {
        private final MemoryOpCommand command;
        private final long argument;
        private final ReservationDecoder decoder;
        private ReservationArguments reservation;
        private XenException refusal;

        Call(MemoryOpCommand command, long argument, ReservationDecoder decoder) {
            this.command = command;
            this.argument = argument;
            this.decoder = decoder;
        }

        @Override
        public MemoryOpCommand command() {
            return command;
        }

        @Override
        public long argument() {
            return argument;
        }

        @Override
        public synchronized ReservationArguments reservation() {
            if (reservation == null && refusal == null) {
                try {
                    if (!MemoryOpCommand.isReservationOp(command.op())) {
                        throw new XenException(XenErrno.ENOSYS, "memory_op " + command.op() + " is not a reservation operation");
                    }
                    reservation = decoder.decode(command, argument);
                } catch (XenException e) {
                    refusal = e;
                }
            }
            if (refusal != null) {
                throw refusal;
            }
            return reservation;
        }
    }

    private static ReservationOutcome readFrames(long result, int n, Placed placed, int offset) {
        int done = ArgumentWords.clamp(result, n);
        long[] out = new long[done];
        if (done > 0) {
            byte[] bytes = new byte[done * MemoryReservation.EXTENT_SIZE];
            placed.read(offset, bytes, 0, bytes.length);
            for (int i = 0; i < done; i++) {
                out[i] = LittleEndian.u64(bytes, i * MemoryReservation.EXTENT_SIZE);
            }
        }
        return new ReservationOutcome(result, out);
    }

    /**
     * Xen's {@code guest_handle_subrange_okay(reservation.extent_start, start_extent,
     * nr_extents - 1)} in {@code do_memory_op} (xen/common/memory.c): the extents still to do are
     * checked as one range before the first one moves, so a list that wraps past the top of the
     * address space is refused whole instead of being worked up to the wrap. A null handle (no
     * frame numbers wanted back) is not checked. The handler answers the refusal, like every
     * refusal before the work, with {@code start_extent}.
     *
     * @throws XenException EFAULT when {@link GuestCopy#accessOk} refuses the range
     */
    private static void checkExtentList(GuestCopy guest, MemoryReservation reservation, long startExtent) {
        if (reservation.extentStart() == 0) {
            return;
        }
        long offset = startExtent * MemoryReservation.EXTENT_SIZE;
        long length = (reservation.nrExtents() - startExtent) * MemoryReservation.EXTENT_SIZE;
        if (!guest.accessOk(new MemoryReference(reservation.extentStart()), offset, length)) {
            throw new XenException(XenErrno.EFAULT, "extent list 0x" + Long.toHexString(reservation.extentStart()) + "+"
                    + Long.toHexString(offset) + ", " + length + " bytes, refused by access_ok");
        }
    }

    /** Xen's {@code xen_memory_reservation} with a handle to the extent array. */
    static final class Pointer implements PointerCodec {
        @Override
        @SuppressWarnings("unchecked")
        public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
            return (List<Q>) ((ReservationRequest) request).split((int) ReservationLimits.MAX_NR_EXTENTS);
        }

        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            ReservationRequest r = (ReservationRequest) request;
            size.pieceIfAny((long) r.nrExtents() * MemoryReservation.EXTENT_SIZE);
            size.piece(MemoryReservation.SIZE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            ReservationRequest r = (ReservationRequest) request;
            long[] extents = r.extents();
            byte[] array = new byte[extents.length * MemoryReservation.EXTENT_SIZE];
            for (int i = 0; i < extents.length; i++) {
                LittleEndian.putU64(array, i * MemoryReservation.EXTENT_SIZE, extents[i]);
            }
            Placed placedArray = array.length == 0 ? null : placement.place(array);
            long arrayWord = placedArray == null ? MemoryReference.NULL.value() : placedArray.reference().value();
            MemoryReservation reservation = new MemoryReservation(arrayWord, extents.length, r.extentOrder(), r.memFlags(), r.domid());
            Placed struct = placement.place(reservation.encodePointer());
            long[] args = new long[2];
            args[0] = new MemoryOpCommand(r.op(), 0).encode();
            args[MEMORY_ARGUMENT] = struct.reference().value();
            return (PreparedCall<R>) new SimplePreparedCall<ReservationOutcome>(HypercallNumber.MEMORY_OP, args,
                    result -> readFrames(result, extents.length, placedArray, 0));
        }

        /**
         * Reservation sub-ops: the 32-byte reservation, with {@code extent_start} naming
         * {@code nr_extents * 8} bytes (0 bytes when {@code nr_extents} is beyond what Xen accepts:
         * Xen refuses such a call without touching the array); current/maximum_reservation: a
         * 2-byte domid; any other sub-op is unknown.
         */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            MemoryOpCommand command = MemoryOpCommand.decode(ArgumentWords.word(args, 0));
            if (MemoryOpCommand.isReservationOp(command.op())) {
                byte[] reservation = new byte[MemoryReservation.SIZE];
                reader.read(ArgumentWords.word(args, MEMORY_ARGUMENT), reservation, 0, reservation.length);
                long nrExtents = LittleEndian.u64(reservation, MemoryReservation.NR_EXTENTS_OFFSET);
                long length = Long.compareUnsigned(nrExtents, ReservationLimits.MAX_NR_EXTENTS) > 0
                        ? 0
                        : HandleSite.bounded(nrExtents * MemoryReservation.EXTENT_SIZE);
                return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, MemoryReservation.SIZE,
                        List.of(HandleSite.field(MemoryReservation.EXTENT_START_OFFSET, length, List.of())))));
            }
            if (command.op() == SubOps.MemoryOp.CURRENT_RESERVATION || command.op() == SubOps.MemoryOp.MAXIMUM_RESERVATION) {
                return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, 2, List.of())));
            }
            return Optional.empty();
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            return decodeCall(kind, args, (command, argument) -> reservation(guest, command, argument));
        }

        private static ReservationArguments reservation(GuestCopy guest, MemoryOpCommand command, long argument) {
            byte[] copy = new byte[MemoryReservation.SIZE];
            ArgumentMemory.copyIn(guest, copy, 0, new MemoryReference(argument), 0, copy.length);
            MemoryReservation reservation = MemoryReservation.decodePointer(copy);
            ReservationLimits.checkCounts(reservation.nrExtents(), command.startExtent());
            checkExtentList(guest, reservation, command.startExtent());
            return new ReservationView(command, reservation,
                    ArgumentMemory.guest(guest, new MemoryReference(reservation.extentStart())), 0, argument,
                    reservation.extentStart() != 0);
        }
    }

    /** The reservation block: fixed fields and the extents inline. */
    static final class Embedded implements EmbeddedCodec {
        @Override
        @SuppressWarnings("unchecked")
        public <Q extends HypercallRequest<?>> List<Q> split(Q request, int maxBlock) {
            return (List<Q>) ((ReservationRequest) request).split(ReservationBlock.maxExtents(maxBlock));
        }

        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            return ReservationBlock.EXTENTS_OFFSET + (long) ((ReservationRequest) request).nrExtents() * MemoryReservation.EXTENT_SIZE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            ReservationRequest r = (ReservationRequest) request;
            byte[] block = EmbeddedBlocks.fit(ReservationBlock.encode(r), maxBlock, r);
            int n = r.nrExtents();
            return (EmbeddedCall<R>) new EmbeddedCall<ReservationOutcome>(HypercallNumber.MEMORY_OP,
                    new long[] {new MemoryOpCommand(r.op(), 0).encode(), 0}, MEMORY_ARGUMENT, block, List.of(),
                    (result, placed, base) -> readFrames(result, n, placed, base + ReservationBlock.EXTENTS_OFFSET));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            return decodeCall(kind, args, (command, argument) -> reservation(guest, command, argument, maxBlock));
        }

        private static ReservationArguments reservation(GuestCopy guest, MemoryOpCommand command, long argument, int maxBlock) {
            MemoryReference ref = new MemoryReference(argument);
            byte[] block = EmbeddedBlocks.copy(guest, ref, BlockKind.MEMORY_RESERVATION, maxBlock);
            MemoryReservation reservation = ReservationBlock.decode(block, maxBlock);
            ReservationLimits.checkCounts(reservation.nrExtents(), command.startExtent());
            return new ReservationView(command, reservation, ArgumentMemory.copiedBlock(guest, ref, block),
                    ReservationBlock.EXTENTS_OFFSET, argument, true);
        }
    }
}
