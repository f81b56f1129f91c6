package org.xencommlab.api.abi.memory;

import org.xencommlab.api.hypercall.SubOps;

/**
 * The first argument of {@code memory_op}: the sub-operation in the low 6 bits and, for the
 * reservation operations, the extent to start at above them ({@code cmd = op | start_extent << 6}),
 * which is how Xen encodes a continuation.
 *
 * @param op the sub-operation ({@code cmd & 63})
 * @param startExtent the first extent still to do ({@code cmd >>> 6}); 0 on a guest's first call
 */
public record MemoryOpCommand(int op, long startExtent) {
    public MemoryOpCommand {
        if (op < 0 || op > SubOps.MemoryOp.CMD_MASK) {
            throw new IllegalArgumentException("op out of range: " + op);
        }
        if (startExtent < 0 || startExtent > (-1L >>> SubOps.MemoryOp.EXTENT_SHIFT)) {
            throw new IllegalArgumentException("startExtent out of range: " + startExtent);
        }
    }

    /** Splits a {@code cmd} word as Xen's {@code do_memory_op} does. Never throws. */
    public static MemoryOpCommand decode(long cmd) {
        return new MemoryOpCommand((int) (cmd & SubOps.MemoryOp.CMD_MASK), cmd >>> SubOps.MemoryOp.EXTENT_SHIFT);
    }

    /** The {@code cmd} word. */
    public long encode() {
        return op | (startExtent << SubOps.MemoryOp.EXTENT_SHIFT);
    }

    /** Whether {@code op} is one of the three operations on a {@code xen_memory_reservation}. */
    public static boolean isReservationOp(int op) {
        return op == SubOps.MemoryOp.INCREASE_RESERVATION
                || op == SubOps.MemoryOp.DECREASE_RESERVATION
                || op == SubOps.MemoryOp.POPULATE_PHYSMAP;
    }
}
