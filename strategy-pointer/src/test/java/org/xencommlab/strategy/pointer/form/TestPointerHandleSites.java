package org.xencommlab.strategy.pointer.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.testkit.memory.TestingGuestMemory;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;

final class TestPointerHandleSites {
    private final PointerHandleSites finder = new PointerHandleSites();

    @Test
    void itFindsWhatThePointerStrategyPlaced() {
        PointerStrategy strategy = new PointerStrategy();
        TestingGuestMemory memory = new TestingGuestMemory();
        PreparedCall<?> reservation = strategy.prepare(memory, ReservationRequest.increase(10, 0, 0));
        assertThat(finder.find(reservation.op(), reservation.args(), memory.reader())).contains(List.of(
                HandleSite.argument(1, 32, List.of(HandleSite.field(0, 80, List.of())))));
        PreparedCall<?> console = strategy.prepare(memory, new ConsoleWriteRequest(new byte[33]));
        assertThat(finder.find(console.op(), console.args(), memory.reader())).contains(List.of(HandleSite.argument(2, 33, List.of())));
        PreparedCall<?> sysctl = strategy.prepare(memory, new GetDomainInfoListRequest(0, 5));
        assertThat(finder.find(sysctl.op(), sysctl.args(), memory.reader())).contains(List.of(
                HandleSite.argument(0, 136, List.of(HandleSite.field(16, 5 * 112, List.of())))));
        PreparedCall<?> dm = strategy.prepare(memory, new ModifiedMemoryRequest(1, List.of(new ModifiedMemoryExtent(1, 2), new ModifiedMemoryExtent(3, 4))));
        assertThat(finder.find(dm.op(), dm.args(), memory.reader())).contains(List.of(
                HandleSite.argument(2, 32, List.of(HandleSite.field(0, 16, List.of()), HandleSite.field(16, 32, List.of())))));
        assertThat(finder.find(HypercallNumber.MULTICALL, new long[] {0, 3}, memory.reader()))
                .contains(List.of(HandleSite.argument(0, 192, List.of())));
        assertThat(finder.find(HypercallNumber.GRANT_TABLE_OP, new long[5], memory.reader())).isEmpty();
        assertThat(strategy.handleSites()).isInstanceOf(PointerHandleSites.class);
    }

    @Test
    void aMulticallNestsTheHandlesOfTheCallsItKnows() {
        TestingGuestMemory memory = new TestingGuestMemory();
        byte[] entries = new byte[2 * MulticallEntry.SIZE];
        LittleEndian.putU64(entries, MulticallEntry.OP_OFFSET, HypercallNumber.XEN_VERSION);
        LittleEndian.putU64(entries, MulticallEntry.SIZE + MulticallEntry.OP_OFFSET, HypercallNumber.CONSOLE_IO);
        LittleEndian.putU64(entries, MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8, 40); // count
        long address = memory.map(entries);

        assertThat(finder.find(HypercallNumber.MULTICALL, new long[] {address, 2}, memory.reader())).contains(List.of(
                HandleSite.argument(0, 128, List.of(HandleSite.field(MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16, 40, List.of())))));
    }

    @Test
    void absurdCountsAreE2bigAndCountsXenRefusesNameNoExtents() {
        TestingGuestMemory memory = new TestingGuestMemory();
        assertThat(XenErrors.errnoOf(() -> finder.find(HypercallNumber.MULTICALL, new long[] {0, 0xFFFF_FFFFL}, memory.reader())))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> finder.find(HypercallNumber.DM_OP, new long[] {0, 3, 0}, memory.reader())))
                .isEqualTo(XenErrno.E2BIG);
        byte[] reservation = new MemoryReservation(0, 0, 0, 0, 0).encodePointer();
        LittleEndian.putU64(reservation, MemoryReservation.NR_EXTENTS_OFFSET, 1L << 40);
        long address = memory.map(reservation);
        assertThat(finder.find(HypercallNumber.MEMORY_OP, new long[] {0, address}, memory.reader())).contains(List.of(
                HandleSite.argument(1, 32, List.of(HandleSite.field(0, 0, List.of())))));
    }

    /**
     * A user's nr_calls must not size a kernel buffer: a multicall of a million entries whose list
     * is not mapped past its first entry costs one entry's read before the fault, not 64 MiB.
     */
    @Test
    void aMulticallListIsReadOneEntryAtATime() {
        long[] largest = new long[1];
        long[] reads = new long[1];
        HandleSiteFinder.MemoryReader reader = (address, dst, offset, length) -> {
            largest[0] = Math.max(largest[0], length);
            if (++reads[0] > 1) {
                throw new IllegalStateException("not mapped: 0x" + Long.toHexString(address));
            }
        };
        long nrCalls = HandleSite.MAX_LENGTH / MulticallEntry.SIZE;
        assertThatThrownBy(() -> finder.find(HypercallNumber.MULTICALL, new long[] {0x10000, nrCalls}, reader))
                .isInstanceOf(IllegalStateException.class);
        assertThat(largest[0]).isEqualTo(MulticallEntry.SIZE);
    }
}
