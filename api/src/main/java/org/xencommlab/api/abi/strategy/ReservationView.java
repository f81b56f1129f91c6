package org.xencommlab.api.abi.strategy;

import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationArguments;

/** A decoded reservation; the extent array lives in {@code extents} from byte {@code base}. */
final class ReservationView implements ReservationArguments {
    private final MemoryOpCommand command;
    private final MemoryReservation reservation;
    private final Region extents;
    private final long base;
    private final long argument;
    private final byte[] scratch = new byte[MemoryReservation.EXTENT_SIZE];

    ReservationView(MemoryOpCommand command, MemoryReservation reservation, Region extents, long base, long argument) {
        this.command = command;
        this.reservation = reservation;
        this.extents = extents;
        this.base = base;
        this.argument = argument;
    }

    @Override
    public MemoryOpCommand command() {
        return command;
    }

    @Override
    public MemoryReservation reservation() {
        return reservation;
    }

    @Override
    public long readExtent(long index) {
        Args.checkIndex(index, reservation.nrExtents(), "extent");
        extents.read(base + index * MemoryReservation.EXTENT_SIZE, scratch, 0, scratch.length);
        return LittleEndian.u64(scratch, 0);
    }

    @Override
    public void writeExtent(long index, long frame) {
        Args.checkIndex(index, reservation.nrExtents(), "extent");
        LittleEndian.putU64(scratch, 0, frame);
        extents.write(base + index * MemoryReservation.EXTENT_SIZE, scratch, 0, scratch.length);
    }

    @Override
    public long[] continuationArgs(long extentsDone) {
        if (extentsDone < 0 || extentsDone > reservation.nrExtents()) {
            throw new IllegalArgumentException("extents done out of range: " + extentsDone);
        }
        return new long[] {new MemoryOpCommand(command.op(), extentsDone).encode(), argument};
    }
}
