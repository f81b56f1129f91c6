package org.xencommlab.guest.privcmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.testing.TestingMachine;

final class TestPrivcmd {
    private final TestingMachine machine = new TestingMachine();
    private final GuestKernel kernel = machine.boot(0, 1024);
    private final GuestProcess tool = kernel.startProcess("xl");

    private long consoleWrite(PrivcmdFile file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        long address = tool.mmapAnonymous(2 * 4096);
        tool.writeMemory(address + 4096 - 5, bytes, 0, bytes.length);
        return file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, bytes.length, address + 4096 - 5);
    }

    @Test
    void aHypercallRunsOnTheProcessTablesAndCountsOneSyscall() {
        PrivcmdFile file = machine.privcmd.open(tool);
        GuestProcess other = kernel.startProcess("other");
        other.mmapAnonymous(4096); // the vCPU now runs on other's tables
        long syscalls = machine.metrics.get(Counter.GUEST_SYSCALLS);
        byte[] bytes = "hello, page boundary".getBytes(StandardCharsets.US_ASCII);
        long address = tool.mmapAnonymous(2 * 4096);
        tool.writeMemory(address + 4096 - 5, bytes, 0, bytes.length);
        long before = machine.metrics.get(Counter.GUEST_SYSCALLS);
        other.mmapAnonymous(4096);
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, bytes.length, address + 4096 - 5)).isZero();
        assertThat(new String(machine.console(0), StandardCharsets.US_ASCII)).isEqualTo("hello, page boundary");
        assertThat(machine.metrics.get(Counter.GUEST_SYSCALLS) - before).isEqualTo(2);
        assertThat(machine.pageTableBase(0, 0)).isEqualTo(tool.rootGfn() * 4096);
        assertThat(syscalls).isPositive();
        assertThat(file.hypercall(HypercallNumber.XEN_VERSION, 0)).isEqualTo(machine.gate.hypercall(0, 0, HypercallNumber.XEN_VERSION));
    }

    @Test
    void aClosedFileIsEbadf() {
        PrivcmdFile file = machine.privcmd.open(tool);
        file.close();
        assertThat(file.hypercall(HypercallNumber.XEN_VERSION)).isEqualTo(XenErrno.EBADF.asResult());
        assertThatThrownBy(file::close).isInstanceOf(XenException.class);
    }

    @Test
    void aKillDuringTheHypercallIsDeliveredAtReturnToUser() {
        PrivcmdFile file = machine.privcmd.open(tool);
        long address = tool.mmapAnonymous(4096);
        tool.mlock(address, 4096);
        AtomicInteger cleanups = new AtomicInteger();
        tool.atExit(cleanups::incrementAndGet);
        // SYSCALL, HYPERCALL_ENTRY, GUEST_READ, RETURN_TO_USER: kill at the hypervisor's read
        long start = machine.scheduler.pointsReached();
        machine.scheduler.killAtPoint(start + 3, tool);
        byte[] text = "bye".getBytes(StandardCharsets.US_ASCII);
        tool.writeMemory(address, text, 0, 3);
        assertThatThrownBy(() -> file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 3, address))
                .isInstanceOf(XenException.class)
                .extracting(e -> ((XenException) e).errno()).isEqualTo(XenErrno.ESRCH);
        assertThat(new String(machine.console(0), StandardCharsets.US_ASCII)).as("the call itself completed").isEqualTo("bye");
        assertThat(tool.isAlive()).isFalse();
        assertThat(cleanups).hasValue(1);
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(file.isOpen()).isFalse();
    }

    @Test
    void killingAtEachPointInTurnAlwaysLeavesNothingBehind() {
        long baseline = kernel.framesInUse();
        long firstPoint = machine.scheduler.pointsReached() + 1;
        for (long n = firstPoint; n < firstPoint + 12; n++) {
            GuestProcess victim = kernel.startProcess("victim");
            machine.scheduler.killAtPoint(machine.scheduler.pointsReached() + (n - firstPoint) + 1, victim);
            try {
                PrivcmdFile file = machine.privcmd.open(victim);
                long address = victim.mmapAnonymous(2 * 4096);
                victim.mlock(address, 2 * 4096);
                victim.writeMemory(address + 4000, new byte[200], 0, 200);
                file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 200, address + 4000);
                victim.exit();
            } catch (XenException e) {
                assertThat(e.errno()).isEqualTo(XenErrno.ESRCH);
            }
            assertThat(victim.isAlive()).isFalse();
            assertThat(kernel.framesInUse()).isEqualTo(baseline);
            assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
        }
    }
}
