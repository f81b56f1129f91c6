package org.xencommlab.guest.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.strategy.embedded.form.EmbeddedStrategy;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.guest.balloon.BalloonDriver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingStrategies;
import org.xencommlab.guest.xenstore.XenStore;

final class TestDom0Tools {
    static Stream<ArgumentStrategy> strategies() {
        return TestingStrategies.all();
    }

    private static byte[] text(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no error");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void listDomainsAsksAgainFromTheLastDomainUntilAnAnswerIsNotFull(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        for (int domid = 1; domid < 70; domid++) {
            machine.addDomain(domid, 16 + domid);
        }
        Dom0Tools xl = machine.startTools(dom0, "xl");
        long before = machine.hypercalls();

        List<DomainInfo> domains = xl.listDomains();

        assertThat(domains).extracting(DomainInfo::domain).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 70).boxed().toList());
        assertThat(domains.get(5).totPages()).isEqualTo(21);
        assertThat(domains.get(0).totPages()).isEqualTo(1024);
        if (strategy.form() == AbiForm.POINTER) {
            // rooms 2, 4, 8, 16, 32 fit the first one-page buffer; 64 records need a second page.
            assertThat(machine.hypercalls() - before).isEqualTo(6);
            assertThat(xl.calls().bufferRemakes()).isEqualTo(1);
            assertThat(machine.metrics.get(Counter.RETRIES)).isEqualTo(1);
        } else {
            assertThat(machine.metrics.get(Counter.RETRIES)).as("ordinary memory is re-mapped, not a retried buffer").isZero();
            assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isZero();
            assertThat(machine.hypercalls() - before).isGreaterThanOrEqualTo(6);
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void listDomainsFromAnUnprivilegedDomainIsTheHypervisorsEperm(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel domU = machine.boot(3, 512);
        Dom0Tools xl = machine.startTools(domU, "xl");
        assertThat(errnoOf(xl::listDomains)).isEqualTo(XenErrno.EPERM);
        assertThat(xl.handle().errorsSeen()).containsEntry(XenErrno.EPERM, 1L);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void writeConsoleSplitsAsTheStrategySaysAndTheBytesArriveWhole(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        Dom0Tools xl = machine.startTools(dom0, "xl");
        byte[] bytes = text(10_000);
        long before = machine.hypercalls();

        assertThat(xl.writeConsole(bytes)).isEqualTo(10_000);

        assertThat(machine.console(0)).isEqualTo(bytes);
        if (strategy.form() == AbiForm.EMBEDDED) {
            int perBlock = ConsoleIo.maxBytes(((EmbeddedStrategy) strategy).maxBlock());
            assertThat(machine.hypercalls() - before).isEqualTo((10_000 + perBlock - 1) / perBlock);
            assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isZero();
            // each block in and back out through the kernel: bytes plus a 16-byte header each way
            long blocks = machine.hypercalls() - before;
            assertThat(machine.metrics.get(Counter.KERNEL_COPY_BYTES)).isEqualTo(2 * (10_000 + 16 * blocks));
            assertThat(dom0.lockedPages()).isZero();
        } else {
            assertThat(machine.hypercalls() - before).isEqualTo(1);
            assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isEqualTo(1);
            assertThat(machine.metrics.get(Counter.KERNEL_COPY_BYTES)).isZero();
            assertThat(xl.calls().bufferPages()).isEqualTo(3);
        }
        xl.close();
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void readConsoleReadsWhatWasTypedAndStopsAtAShortRead(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        Dom0Tools xl = machine.startTools(dom0, "xl");
        byte[] typed = text(700);
        machine.typeConsoleInput(typed);
        assertThat(xl.readConsole(1000)).isEqualTo(typed);
        assertThat(xl.readConsole(10)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void setMemoryTargetDrivesTheTargetDomainsBalloon(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        GuestKernel domU = machine.boot(1, 1024, 2048);
        BalloonDriver balloon = machine.balloons.load(domU);
        Dom0Tools xl = machine.startTools(dom0, "xl");

        xl.setMemoryTarget(1, 700);
        assertThat(machine.xenstore.read(XenStore.memoryTargetPath(1))).isEqualTo("2800");
        assertThat(balloon.currentPages()).isEqualTo(700);
        assertThat(machine.totPages(1)).isEqualTo(700);

        xl.setMemoryTarget(1, 1900);
        assertThat(balloon.currentPages()).isEqualTo(1900);
        assertThat(machine.totPages(1)).isEqualTo(1900);
        assertThat(machine.totPages(0)).isEqualTo(1024);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aGuestMayNotSetAnotherDomainsTarget(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel domU = machine.boot(2, 512);
        machine.boot(1, 512);
        Dom0Tools xl = machine.startTools(domU, "xl");
        assertThat(errnoOf(() -> xl.setMemoryTarget(1, 100))).isEqualTo(XenErrno.EACCES);
        assertThat(machine.xenstore.find(XenStore.memoryTargetPath(1))).isEmpty();
        assertThat(machine.metrics.errors(XenErrno.EACCES)).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void modifiedMemoryNamesEveryPageOfEveryExtent(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        machine.addDomain(4, 4096);
        Dom0Tools xl = machine.startTools(dom0, "qemu");
        List<ModifiedMemoryExtent> extents = new ArrayList<>();
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            extents.add(new ModifiedMemoryExtent(2, 100L * i));
            pages.add(100L * i);
            pages.add(100L * i + 1);
        }
        assertThat(xl.modifiedMemory(4, extents)).isEqualTo(40);
        assertThat(machine.modifiedPages(4)).containsExactly(pages.stream().mapToLong(Long::longValue).toArray());
        assertThat(errnoOf(() -> xl.modifiedMemory(99, extents))).isEqualTo(XenErrno.ESRCH);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aMulticallOfVersionAndConsoleRunsBoth(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        Dom0Tools xl = machine.startTools(dom0, "xl");
        byte[] hello = "multicall says hello\n".getBytes(StandardCharsets.US_ASCII);
        long before = machine.hypercalls();

        MulticallOutcome out = xl.versionAndConsole(hello);

        assertThat(machine.hypercalls() - before).isEqualTo(1);
        assertThat(out.entries()).extracting(MulticallOutcome.Entry::result).containsExactly(TestingMachine.VERSION, 0L);
        assertThat(machine.console(0)).isEqualTo(hello);
        assertThat(xl.xenVersion()).isEqualTo(TestingMachine.VERSION);
    }

    @Test
    void anEmbeddedMulticallTooBigForOneBlockIsE2bigAndIssuesNothing() {
        TestingMachine machine = new TestingMachine(TestingStrategies.embedded(TestingStrategies.SMALL_BLOCK));
        GuestKernel dom0 = machine.boot(0, 1024);
        Dom0Tools xl = machine.startTools(dom0, "xl");
        long before = machine.hypercalls();
        assertThat(errnoOf(() -> xl.versionAndConsole(text(300)))).isEqualTo(XenErrno.E2BIG);
        assertThat(machine.hypercalls()).isEqualTo(before);
        assertThat(xl.handle().errorsSeen()).containsEntry(XenErrno.E2BIG, 1L);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theSameWorkloadGivesTheSameGuestVisibleResultInEveryForm(ArgumentStrategy strategy) {
        // The reference run: pointer form. Same domains, same console bytes, same frames moved.
        assertThat(workload(strategy)).isEqualTo(workload(TestingStrategies.pointer()));
    }

    /** What a guest sees of a small run: the domain list, the console, the ballooned frames. */
    private static List<Object> workload(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        GuestKernel domU = machine.boot(1, 600, 800);
        BalloonDriver balloon = machine.balloons.load(domU);
        Dom0Tools xl = machine.startTools(dom0, "xl");
        xl.writeConsole(text(5000));
        xl.setMemoryTarget(1, 450);
        List<DomainInfo> domains = xl.listDomains();
        xl.setMemoryTarget(1, 700);
        return List.of(domains, new String(machine.console(0), StandardCharsets.US_ASCII),
                java.util.Arrays.toString(domU.frameAllocator().balloonedFrames()), balloon.currentPages(),
                machine.totPages(1));
    }
}
