package org.xencommlab.strategy.pointer.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.testkit.memory.TestingGuestMemory;
import org.xencommlab.api.abi.memory.MemoryOpArguments;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.SubOps;

/** memory_op's cmd word is decoded once, by its ABI; the reservation is read once, when asked for. */
final class TestMemoryOpArguments {
    private final PointerStrategy strategy = new PointerStrategy();
    private final TestingGuestMemory memory = new TestingGuestMemory();

    @Test
    void theCommandIsDecodedWithoutReadingGuestMemoryAndTheReservationOnceOnDemand() {
        PreparedCall<ReservationOutcome> call = strategy.prepare(memory, ReservationRequest.increase(3, 0, 0x7FF0));
        long[] args = call.args();
        args[0] = new MemoryOpCommand(SubOps.MemoryOp.INCREASE_RESERVATION, 2).encode();

        MemoryOpArguments decoded = strategy.decode(MemoryOpArguments.KIND, memory, args);
        assertThat(decoded.command()).isEqualTo(new MemoryOpCommand(SubOps.MemoryOp.INCREASE_RESERVATION, 2));
        assertThat(decoded.argument()).isEqualTo(args[1]);
        assertThat(memory.bytesRead()).isZero();

        ReservationArguments r = decoded.reservation();
        long read = memory.bytesRead();
        assertThat(read).isPositive();
        assertThat(r.command()).isSameAs(decoded.command());
        assertThat(r.reservation().nrExtents()).isEqualTo(3);
        assertThat(decoded.reservation()).isSameAs(r);
        assertThat(memory.bytesRead()).as("read once").isEqualTo(read);
    }

    @Test
    void aQueryOrAnUnknownSubOpHasACommandAndNoReservation() {
        long[] args = {SubOps.MemoryOp.CURRENT_RESERVATION, 0x1000};
        MemoryOpArguments decoded = strategy.decode(MemoryOpArguments.KIND, memory, args);

        assertThat(decoded.command().op()).isEqualTo(SubOps.MemoryOp.CURRENT_RESERVATION);
        assertThat(decoded.argument()).isEqualTo(0x1000);
        assertThatThrownBy(decoded::reservation).isInstanceOf(XenException.class)
                .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(XenErrno.ENOSYS));
        assertThat(memory.bytesRead()).isZero();
    }

    @Test
    void aRefusedReservationIsRefusedAgainWithoutASecondRead() {
        long[] args = {SubOps.MemoryOp.DECREASE_RESERVATION, 0xDEAD_0000L}; // nothing mapped there
        MemoryOpArguments decoded = strategy.decode(MemoryOpArguments.KIND, memory, args);

        assertThatThrownBy(decoded::reservation).isInstanceOf(XenException.class);
        long read = memory.bytesRead();
        Throwable first = org.assertj.core.api.Assertions.catchThrowable(decoded::reservation);
        Throwable second = org.assertj.core.api.Assertions.catchThrowable(decoded::reservation);
        assertThat(second).isSameAs(first);
        assertThat(memory.bytesRead()).isEqualTo(read);
    }
}
