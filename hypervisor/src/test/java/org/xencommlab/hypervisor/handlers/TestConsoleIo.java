package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.ConsoleIo;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

final class TestConsoleIo {
    private static final int PAGE = 4096;

    private static TestingMachine machine(HypervisorConfig config) {
        TestingMachine m = new TestingMachine(config.withMachineMemoryBytes(8L << 20));
        m.hypervisor.createDomain(DomainSpec.dom0(8L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 2L * PAGE));
        return m;
    }

    private final TestingMachine m = machine(HypervisorConfig.defaults());
    /** Domain 1 may write, as under a Xen built with CONFIG_VERBOSE_DEBUG. */
    private final TestingMachine debug = machine(HypervisorConfig.defaults().withConsoleAccess(HypervisorConfig.ConsoleAccess.VERBOSE_DEBUG));

    private static byte[] text(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private static void poke(GuestPhysicalMemory memory, long address, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            int piece = Math.min(bytes.length - done, PAGE - (int) ((address + done) % PAGE));
            memory.write(address + done, bytes, done, piece);
            done += piece;
        }
    }

    private static long write(TestingMachine m, int domid, long count, long handle) {
        return m.entry.hypercall(domid, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, count, handle);
    }

    @Test
    void writesBytesToTheDomainsConsole() {
        poke(m.entry.physicalMemory(0), 0x1000, "hello, xen\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(write(m, 0, 11, 0x1000)).isZero();
        assertThat(m.console.outputText(0)).isEqualTo("hello, xen\n");
        assertThat(m.console.output(1)).isEmpty();
        assertThat(write(m, 0, 0, 0)).as("an empty write").isZero();
    }

    @Test
    void writesABufferThatCrossesPages() {
        byte[] data = text(300);
        poke(m.entry.physicalMemory(0), PAGE - 150, data);
        assertThat(write(m, 0, 300, PAGE - 150)).isZero();
        assertThat(m.console.output(0)).isEqualTo(data);
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(300);
    }

    @Test
    void continuesALongWriteAsXenDoesWithTheCountLoweredAndTheBufferAdvanced() {
        TestingMachine p = machine(HypervisorConfig.defaults().withPreemptionPolls(1));
        byte[] data = text(10 * 128 + 5);
        poke(p.entry.physicalMemory(0), 0x3000 - 7, data);
        assertThat(write(p, 0, data.length, 0x3000 - 7)).isZero();
        assertThat(p.console.output(0)).isEqualTo(data);
        // guest_console_write: 127-byte chunks (11 of them), a poll before each but the first of an
        // entry; the second poll answers true: two chunks per entry, six entries.
        assertThat(p.metrics.get(Counter.CONTINUATIONS)).isEqualTo(5);
        assertThat(p.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(6);
        assertThat(p.metrics.get(Counter.HYPERCALLS)).isEqualTo(1);
        assertThat(p.trace.events(TraceKind.CONTINUATION).get(0).detail())
                .as("Xen's (CONSOLEIO_write, count - done, buffer + done): no fourth word")
                .isEqualTo("console_io(0x0, 0x407, 0x30f7, 0x0, 0x0)");
    }

    @Test
    void copiesChunksOf127BytesAsXensKbuf() {
        byte[] data = text(127 * 3);
        poke(m.entry.physicalMemory(0), 0, data);
        assertThat(write(m, 0, data.length, 0)).isZero();
        assertThat(m.trace.events(TraceKind.FAULT)).isEmpty();
        // A fault in the second chunk keeps exactly the first 127 bytes.
        TestingMachine p = machine(HypervisorConfig.defaults());
        poke(p.entry.physicalMemory(0), 8L * PAGE - 200, text(200));
        assertThat(write(p, 0, 300, 8L * PAGE - 200)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(p.console.output(0)).hasSize(127);
    }

    @Test
    void aFaultKeepsEarlierChunksAndAppendsNothingOfTheFailingOne() {
        byte[] data = text(200);
        GuestPhysicalMemory memory = debug.entry.physicalMemory(1);
        poke(memory, 2L * PAGE - 200, data);
        assertThat(write(debug, 1, 300, 2L * PAGE - 200)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(debug.console.output(1)).isEqualTo(Arrays.copyOf(data, 127));
        assertThat(write(debug, 1, 5, 1L << 40)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(debug.console.output(1)).hasSize(127);
        assertThat(debug.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(2);
    }

    @Test
    void refusesBadCommandsAndOffsets() {
        assertThat(write(m, 0, Long.MIN_VALUE, 0)).as("count is an unsigned int: the high bits are not part of it").isZero();
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, 2, 4, 0)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, -1, 4, 0)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.console.output(0)).isEmpty();
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isZero();
    }

    /** do_console_io(cmd, count, buffer) has three parameters: a fourth word is never read. */
    @Test
    void aFourthWordIsIgnored() {
        poke(m.entry.physicalMemory(0), 0x1000, "abcd".getBytes(StandardCharsets.US_ASCII));
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, 4, 0x1000, -1)).isZero();
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, 4, 0x1000, 3)).isZero();
        assertThat(m.console.outputText(0)).isEqualTo("abcdabcd");
    }

    @Test
    void writesAnyCountAsXenHasNoWriteLimit() {
        // Xen's guest_console_write takes any count; the lab used to refuse more than 1 MiB with
        // -EINVAL. Dom0's 8 pages are readable, so the write goes on until it faults.
        assertThat(write(m, 0, (1 << 20) + 1, 0)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.console.bytesWritten(0)).isEqualTo(8L * PAGE / 127 * 127);
    }

    @Test
    void consoleAccessFollowsXensXsmPolicy() {
        // Release build (the default): a domU gets -EPERM for everything, before its command is read.
        assertThat(write(m, 1, 4, 0)).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 4, 0)).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, 7, 4, 0)).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(write(m, 0, 4, 0)).isZero();
        assertThat(m.console.output(0)).containsExactly(0, 0, 0, 0);
        assertThat(m.console.output(1)).isEmpty();
        // CONFIG_VERBOSE_DEBUG: a domU may write, never read.
        debug.console.feedInput(1, new byte[] {1});
        assertThat(write(debug, 1, 4, 0)).isZero();
        assertThat(debug.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 4, 0)).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(debug.console.pendingInput(1)).isEqualTo(1);
        // OPEN, not Xen: a domU may read too.
        TestingMachine open = machine(HypervisorConfig.defaults().withConsoleAccess(HypervisorConfig.ConsoleAccess.OPEN));
        open.console.feedInput(1, new byte[] {1});
        assertThat(open.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 4, 0)).isEqualTo(1);
    }

    @Test
    void aReadIsNeverContinued() {
        TestingMachine p = machine(HypervisorConfig.defaults().withPreemptionPolls(0));
        p.console.feedInput(0, text(300));
        assertThat(p.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 300, 0)).isEqualTo(300);
        assertThat(p.metrics.get(Counter.CONTINUATIONS)).as("Xen's read loop has no preemption check").isZero();
    }

    @Test
    void readsConsoleInputToTheGuest() {
        assertThat(m.console.feedInput(0, "ls\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(3);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 10, 1L << 40))
                .isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.console.pendingInput(0)).as("undelivered input stays").isEqualTo(3);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 2, PAGE - 1)).isEqualTo(2);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 10, PAGE + 1)).isEqualTo(1);
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 10, PAGE + 1)).isZero();
        byte[] got = new byte[3];
        m.entry.physicalMemory(0).read(PAGE - 1, got, 0, 1);
        m.entry.physicalMemory(0).read(PAGE, got, 1, 2);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("ls\n");
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, -3, 0))
                .as("a read above INT_MAX, as Xen refuses it").isEqualTo(XenErrno.E2BIG.asResult());
    }

    @Test
    void consoleRingKeepsTheNewestBytes() {
        TestingMachine small = machine(HypervisorConfig.defaults().withConsole(128, 100, 8));
        byte[] data = text(250);
        poke(small.entry.physicalMemory(0), 0, data);
        assertThat(write(small, 0, 250, 0)).isZero();
        assertThat(small.console.output(0)).isEqualTo(Arrays.copyOfRange(data, 150, 250));
        assertThat(small.console.bytesWritten(0)).isEqualTo(250);
        assertThat(small.console.feedInput(0, new byte[20])).isEqualTo(8);
    }

    @Test
    void inputFedWhileAFailedReadPutsItsChunkBackIsRefusedNotThrown() {
        TestingMachine small = machine(HypervisorConfig.defaults().withConsole(128, 100, 8));
        assertThat(small.console.feedInput(0, new byte[] {1, 2, 3, 4})).isEqualTo(4);
        // While the read is in the hypervisor (at its copy to the guest), the lab fills the ring up;
        // then the copy faults and the chunk goes back: the ring holds more than its capacity.
        small.scheduler.onReached((point, domid) -> {
            if (point == SchedulingPoint.GUEST_WRITE) {
                small.console.feedInput(0, new byte[] {5, 6, 7, 8, 9, 10});
            }
        });
        assertThat(small.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 4, 1L << 40))
                .isEqualTo(XenErrno.EFAULT.asResult());
        small.scheduler.onReached((point, domid) -> {});
        assertThat(small.console.pendingInput(0)).as("nothing lost").isEqualTo(10);
        assertThat(small.console.feedInput(0, new byte[] {11})).as("a full ring accepts nothing").isZero();
        assertThat(small.console.pendingInput(0)).isEqualTo(10);
        assertThat(small.entry.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.READ, 12, PAGE)).isEqualTo(10);
        byte[] got = new byte[12];
        small.entry.physicalMemory(0).read(PAGE, got, 0, 12);
        assertThat(got).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0);
    }
}
