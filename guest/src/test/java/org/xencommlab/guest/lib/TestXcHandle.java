package org.xencommlab.guest.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.testing.TestingMachine;

final class TestXcHandle {
    private static final byte[] TEXT = "xencomm says hello".getBytes(StandardCharsets.US_ASCII);

    /** A console write from a buffer; the hypervisor's first read is point {@code start + 3}. */
    private static long write(XcHandle xc, HypercallBuffer buffer) {
        BufferSlice slice = xc.allocMem(buffer, TEXT.length);
        xc.process().writeMemory(slice.userAddress(), TEXT, 0, TEXT.length);
        return xc.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, TEXT.length, slice.reference().value());
    }

    /**
     * Real libxc (xc_private.h do_domctl_retry_efault) retries only XEN_DOMCTL_getpageframeinfo3:
     * under the default policy a console write caught by compaction fails as it happened.
     */
    @Test
    void libxcsPolicyIsTheDefaultAndRetriesNoCallTheLabIssues() {
        assertThat(GuestConfig.defaults().retryPolicy()).isEqualTo(GuestConfig.RetryPolicy.LIBXC);
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 1024);
        GuestProcess tool = kernel.startProcess("xl");
        XcHandle xc = machine.library.open(tool);
        HypercallBuffer buffer = xc.allocBuf(1);
        long start = machine.scheduler.pointsReached();
        machine.scheduler.atPoint(start + 3, () -> kernel.startMigration(tool, buffer.userAddress()));

        assertThat(write(xc, buffer)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(xc.retries()).isZero();
        assertThat(machine.metrics.get(Counter.RETRIES)).isZero();
        assertThat(xc.errorsSeen()).isEqualTo(Map.of(XenErrno.EFAULT, 1L));
        assertThat(GuestConfig.RetryPolicy.LIBXC.retriesFor(HypercallNumber.CONSOLE_IO, 3)).isZero();
        assertThat(GuestConfig.RetryPolicy.EVERY_CALL.retriesFor(HypercallNumber.CONSOLE_IO, 3)).isEqualTo(3);
    }

    @Test
    void aLockedBufferCaughtByCompactionSucceedsOnRetryWhenEveryCallIsRetried() {
        TestingMachine machine = new TestingMachine(GuestConfig.defaults().withRetryPolicy(GuestConfig.RetryPolicy.EVERY_CALL), true);
        GuestKernel kernel = machine.boot(0, 1024);
        GuestProcess tool = kernel.startProcess("xl");
        XcHandle xc = machine.library.open(tool);
        HypercallBuffer buffer = xc.allocBuf(1);
        long start = machine.scheduler.pointsReached();
        machine.scheduler.atPoint(start + 3, () -> kernel.startMigration(tool, buffer.userAddress()));

        assertThat(write(xc, buffer)).isZero();
        assertThat(xc.retries()).isEqualTo(1);
        assertThat(machine.metrics.get(Counter.RETRIES)).isEqualTo(1);
        assertThat(machine.metrics.get(Counter.MIGRATIONS)).isEqualTo(1);
        assertThat(xc.errorsSeen()).isEmpty();
        assertThat(machine.console(0)).isEqualTo(TEXT);
    }

    @Test
    void anUnlockedBufferUnderMemoryPressureFailsWithEfaultAfterTheRetries() {
        TestingMachine machine = new TestingMachine(GuestConfig.defaults(), false);
        GuestKernel kernel = machine.boot(0, 1024);
        GuestProcess tool = kernel.startProcess("xl");
        XcHandle xc = machine.library.open(tool, 3);
        HypercallBuffer buffer = xc.allocBuf(1);
        long start = machine.scheduler.pointsReached();
        machine.scheduler.atPoint(start + 3, () -> kernel.swapOutPage(tool, buffer.userAddress()));

        assertThat(write(xc, buffer)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(xc.retries()).isEqualTo(3);
        assertThat(xc.errorsSeen()).isEqualTo(Map.of(XenErrno.EFAULT, 1L));
        assertThat(machine.console(0)).isEmpty();
    }

    @Test
    void theSameEvictionCannotTouchALockedBuffer() {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 1024);
        GuestProcess tool = kernel.startProcess("xl");
        XcHandle xc = machine.library.open(tool);
        HypercallBuffer buffer = xc.allocBuf(1);
        long start = machine.scheduler.pointsReached();
        machine.scheduler.atPoint(start + 3, () -> kernel.swapOutPage(tool, buffer.userAddress()));
        assertThat(write(xc, buffer)).isZero();
        assertThat(xc.retries()).isZero();
    }

    @Test
    void allocMemBeyondTheBufferIsEnospcSeenAndCounted() {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 1024);
        XcHandle xc = machine.library.open(kernel.startProcess("xl"));
        HypercallBuffer buffer = xc.allocBuf(1);
        xc.allocMem(buffer, 4000);
        try {
            xc.allocMem(buffer, 100);
        } catch (XenException e) {
            assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC);
        }
        assertThat(xc.errorsSeen()).containsEntry(XenErrno.ENOSPC, 1L);
        assertThat(machine.metrics.errors(XenErrno.ENOSPC)).isEqualTo(1);
    }

    @Test
    void closeFreesLiveBuffersAndClosesPrivcmd() {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(0, 1024);
        GuestProcess tool = kernel.startProcess("xl");
        XcHandle xc = machine.library.open(tool);
        xc.allocBuf(2);
        xc.allocBuf(1);
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isEqualTo(3);
        xc.close();
        assertThat(xc.liveBuffers()).isZero();
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(xc.privcmd().isOpen()).isFalse();
        assertThat(tool.pendingCleanups()).isZero();
        xc.close();
    }
}
