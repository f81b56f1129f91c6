package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * A hypercall-device open through its life: the limit it accepts, the buffers it numbers, that a
 * buffer is dead once unmapped or once its process exited, and the trace line of each step.
 */
final class TestPrivcmdBufLifecycle {
    private final TestingDomain domain = new TestingDomain(1024);
    private final TestingUserProcessServices process = domain.process(0);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    private java.util.List<String> library() {
        return domain.trace().events(TraceKind.LIBRARY).stream().map(TraceEvent::detail).toList();
    }

    @Test
    void aLimitOfNoPagesIsAcceptedAndANegativeOneRefused() {
        PrivcmdBufFile none = new PrivcmdBufFile(process, 0);
        assertThat(none.limit()).isZero();
        assertThat(errnoOf(() -> none.allocBuf(1))).isEqualTo(XenErrno.EINVAL);
        assertThatIllegalArgumentException().isThrownBy(() -> new PrivcmdBufFile(process, -1));
    }

    @Test
    void buffersAreNumberedUpwards() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 8);
        long first = device.allocBuf(1).id();
        assertThat(device.allocBuf(1).id()).isEqualTo(first + 1);
    }

    @Test
    void anUnmappedBufferIsDead() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 8);
        HypercallBuffer buffer = device.allocBuf(1);
        device.freeBuf(buffer);
        assertThat(errnoOf(() -> buffer.allocMem(8))).isEqualTo(XenErrno.EINVAL);
        assertThat(device.allocatedPages()).isZero();
    }

    @Test
    void theBuffersOfAnExitedProcessAreDead() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 8);
        HypercallBuffer buffer = device.allocBuf(2);
        process.exit();
        assertThat(errnoOf(() -> buffer.allocMem(8))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void eachStepLeavesItsTraceLine() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 4);
        HypercallBuffer buffer = device.allocBuf(3);
        assertThat(errnoOf(() -> device.allocBuf(2))).isEqualTo(XenErrno.EINVAL);
        device.freeBuf(buffer);
        String pid = "pid " + process.pid() + " ";
        assertThat(library()).containsSubsequence(
                pid + "open /dev/xen/hypercall (limit 4 pages)",
                pid + "mmap /dev/xen/hypercall 3 pages = buffer " + buffer.id() + " at 0x" + Long.toHexString(buffer.userAddress()),
                pid + "hypercall device: -EINVAL: mmap of 2 pages with 3 of 4 mapped",
                pid + "munmap hypercall buffer " + buffer.id());
    }
}
