package org.xencommlab.api.abi.memory;

import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.layout.LittleEndian;

/** A decoded reservation; the extent array lives in {@code extents} from byte {@code base}. */
final class ReservationView implements ReservationArguments {
    private final MemoryOpCommand command;
    private final MemoryReservation reservation;
    private final ArgumentMemory extents;
    private final long base;
    private final long argument;
    private final boolean hasExtentArray;
    private final byte[] scratch = new byte[MemoryReservation.EXTENT_SIZE];

    ReservationView(MemoryOpCommand command, MemoryReservation reservation, ArgumentMemory extents, long base, long argument, boolean hasExtentArray) {
        this.command = command;
        this.reservation = reservation;
        this.extents = extents;
        this.base = base;
        this.argument = argument;
        this.hasExtentArray = hasExtentArray;
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
    public boolean hasExtentArray() {
        return hasExtentArray;
    }

    @Override
    public long readExtent(long index) {
        ArgumentWords.checkIndex(index, reservation.nrExtents(), "extent");
        extents.read(base + index * MemoryReservation.EXTENT_SIZE, scratch, 0, scratch.length);
        return LittleEndian.u64(scratch, 0);
    }

    @Override
    public void writeExtent(long index, long frame) {
        ArgumentWords.checkIndex(index, reservation.nrExtents(), "extent");
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
