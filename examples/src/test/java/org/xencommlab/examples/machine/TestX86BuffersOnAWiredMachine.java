package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.examples.machine.WiredMachines.ascii;
import static org.xencommlab.examples.machine.WiredMachines.consoleWrite;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.RunEnvironment;

/**
 * Issue 3 on a fully wired x86 machine, on the same seeded schedule each time: the swapper and
 * compaction act on real page-table entries in guest memory, and the hypervisor walks them.
 */
final class TestX86BuffersOnAWiredMachine {
    private static final long SEED = 7;
    private static final byte[] MESSAGE = ascii("the hypervisor cannot take a guest page fault");

    /** Boots dom0, allocates a one-page buffer, writes the message, turns memory pressure on, and calls. */
    private static Outcome underMemoryPressure(Map<String, String> parameters) {
        Machine machine = WiredMachines.machine("x86", parameters, SEED);
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        HypercallBuffer buffer = tool.allocBuf(1);
        BufferSlice slice = tool.allocMem(buffer, MESSAGE.length);
        tool.process().writeMemory(slice.userAddress(), MESSAGE, 0, MESSAGE.length);
        dom0.setMemoryPressure(1.0, 64); // the swapper evicts at every scheduling point
        long result = consoleWrite(tool, slice, MESSAGE);
        return new Outcome(machine, result);
    }

    private record Outcome(Machine machine, long result) {
        byte[] console() {
            return machine.hypervisor().console().output(0);
        }
    }

    @Test
    void withoutMlockTheHypercallFailsWithEfaultUnderMemoryPressure() {
        Outcome unlocked = underMemoryPressure(Map.of("buffers", "unlocked"));

        assertThat(unlocked.result()).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(unlocked.console()).isEmpty();
        assertThat(unlocked.machine().metrics().get(Counter.SWAP_OUTS)).isPositive();
        assertThat(unlocked.machine().metrics().get(Counter.HYPERVISOR_FAULTS)).isPositive();
        assertThat(unlocked.machine().metrics().get(Counter.RETRIES)).as("libxc's policy retries no console write").isZero();
        assertThat(unlocked.machine().metrics().get(Counter.MLOCK_CALLS)).isZero();
    }

    @Test
    void withMlockTheSameScheduleSucceeds() {
        Outcome locked = underMemoryPressure(Map.of());

        assertThat(locked.result()).isZero();
        assertThat(locked.console()).isEqualTo(MESSAGE);
        assertThat(locked.machine().metrics().get(Counter.MLOCK_CALLS)).isEqualTo(1);
        assertThat(locked.machine().metrics().peak(Gauge.LOCKED_PAGES)).isEqualTo(1);
        assertThat(locked.machine().metrics().get(Counter.RETRIES)).isZero();
    }

    @Test
    void withTheHypercallDeviceNothingFailsAndNothingIsLocked() {
        Outcome device = underMemoryPressure(Map.of("buffers", "device"));

        assertThat(device.result()).isZero();
        assertThat(device.console()).isEqualTo(MESSAGE);
        assertThat(device.machine().metrics().get(Counter.MLOCK_CALLS)).isZero();
        assertThat(device.machine().metrics().peak(Gauge.LOCKED_PAGES)).isZero();
        assertThat(device.machine().metrics().peak(Gauge.DEVICE_BYTES_USED)).isEqualTo(4096);
    }

    @Test
    void underCompactionALockedBufferCanFailOnceAndSucceedsOnRetry() {
        // Phase 2 of a migration lands three scheduling points after phase 1: long enough for
        // the hypervisor's page walk to find the entry not present.
        RunEnvironment environment = RunEnvironment.defaults(SEED)
                .withGuest(GuestConfig.defaults().withMigrationDelayPoints(3).withRetryPolicy(GuestConfig.RetryPolicy.EVERY_CALL));
        Machine machine = WiredMachines.machine("x86", Map.of(), environment);
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        HypercallBuffer buffer = tool.allocBuf(1);
        BufferSlice slice = tool.allocMem(buffer, MESSAGE.length);
        tool.process().writeMemory(slice.userAddress(), MESSAGE, 0, MESSAGE.length);
        // The ioctl's SYSCALL point is the next one; the hypercall's entry follows it.
        long entryPoint = machine.scheduler().pointsReached() + 2;
        machine.scheduler().atPoint(entryPoint, () -> dom0.startMigration(tool.process(), slice.userAddress()));

        long result = consoleWrite(tool, slice, MESSAGE);

        assertThat(result).isZero();
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);
        assertThat(machine.metrics().get(Counter.MIGRATIONS)).isEqualTo(1);
        assertThat(machine.metrics().get(Counter.HYPERVISOR_FAULTS)).isPositive();
        assertThat(machine.metrics().get(Counter.RETRIES)).isEqualTo(1);
        assertThat(tool.process().isLocked(slice.userAddress())).isTrue();
    }

    @Test
    void packedBuffersLoseTheirLockWhenANeighbourIsFreed() {
        for (String align : new String[] {"none", "page"}) {
            Machine machine = WiredMachines.machine("x86", Map.of("align", align), SEED);
            GuestKernel dom0 = machine.bootDom0(16L << 20);
            XcHandle tool = machine.startTool(dom0, "xl");
            HypercallBuffer first = tool.allocBuf(1);
            HypercallBuffer second = tool.allocBuf(1);
            BufferSlice slice = tool.allocMem(second, MESSAGE.length);
            tool.process().writeMemory(slice.userAddress(), MESSAGE, 0, MESSAGE.length);
            tool.freeBuf(first); // munlock is not reference counted
            dom0.setMemoryPressure(1.0, 64);

            long result = consoleWrite(tool, slice, MESSAGE);

            if (align.equals("none")) {
                assertThat(result).as("align=none").isEqualTo(XenErrno.EFAULT.asResult());
            } else {
                assertThat(result).as("align=page").isZero();
                assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);
            }
        }
    }

    @Test
    void aKilledToolLeavesNoLockedPagesBehind() {
        Machine machine = WiredMachines.machine("x86", Map.of(), SEED);
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        long framesAtBoot = dom0.framesInUse();
        XcHandle tool = machine.startTool(dom0, "xl");
        tool.allocBuf(4);
        tool.allocBuf(2);
        assertThat(machine.metrics().current(Gauge.LOCKED_PAGES)).isEqualTo(6);

        tool.process().kill();

        assertThat(machine.metrics().current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(dom0.lockedPages()).isZero();
        assertThat(dom0.framesInUse()).isEqualTo(framesAtBoot);
    }
}
