package org.xencommlab.guest.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingStrategies;

/** A tool killed at each scheduling point of its calls in turn leaves nothing behind, in either form. */
final class TestToolKill {
    static Stream<ArgumentStrategy> strategies() {
        return TestingStrategies.all();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void killingAToolAtEachPointLeavesNoFrameLockOrKernelBlock(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel dom0 = machine.boot(0, 1024);
        machine.addDomain(1, 64);
        // Warm the kernel's tables so that only the victim's own frames come and go.
        run(machine, dom0.startProcess("warm-up"));
        long baseline = dom0.framesInUse();
        int blocks = dom0.kernelBlocksLive();
        byte[] console = machine.console(0);
        int killed = 0;
        for (int n = 1; n <= 60; n++) {
            GuestProcess victim = dom0.startProcess("victim");
            machine.scheduler.killAtPoint(machine.scheduler.pointsReached() + n, victim);
            try {
                run(machine, victim);
                victim.exit();
            } catch (XenException e) {
                assertThat(e.errno()).isEqualTo(XenErrno.ESRCH);
                killed++;
            }
            assertThat(victim.isAlive()).isFalse();
            assertThat(dom0.framesInUse()).as("frames after a kill at point %d", n).isEqualTo(baseline);
            assertThat(dom0.kernelBlocksLive()).as("kernel blocks after a kill at point %d", n).isEqualTo(blocks);
            assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
            assertThat(dom0.pendingMigrations()).isZero();
        }
        assertThat(killed).as("the kills landed inside the calls").isGreaterThan(10);
        assertThat(machine.console(0).length).isGreaterThan(console.length);
    }

    private static void run(TestingMachine machine, GuestProcess process) {
        XcHandle xc = machine.library.open(process);
        Dom0Tools xl = machine.tools.open(xc);
        xl.writeConsole(new byte[600]);
        xl.listDomains();
        xl.versionAndConsole(new byte[8]);
        xl.close();
        xc.close();
    }
}
