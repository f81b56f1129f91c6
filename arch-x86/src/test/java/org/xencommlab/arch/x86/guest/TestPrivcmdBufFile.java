package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

final class TestPrivcmdBufFile {
    private final TestingDomain domain = new TestingDomain(1024);
    private final TestingUserProcessServices process = domain.process(0); // may lock nothing at all

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    @Test
    void buffersAreKernelPagesThatNeedNoLockAndNeverLeave() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        HypercallBuffer buffer = device.allocBuf(2);
        BufferSlice slice = buffer.allocMem(5000); // crosses the page boundary
        byte[] data = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        process.writeMemory(slice.userAddress(), data, 0, data.length);

        assertThat(process.evictUnlocked()).isZero();
        byte[] seen = new byte[5000];
        assertThat(domain.hypercallRead(process, slice.reference(), seen)).isZero();
        assertThat(seen).isEqualTo(data);
        assertThat(domain.hypercallWrite(process, slice.reference(), new byte[5000])).isZero();

        assertThat(domain.metrics().get(Counter.MLOCK_CALLS)).isZero();
        assertThat(process.lockedPages()).isZero();
        assertThat(device.allocatedPages()).isEqualTo(2);
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(8192);
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_USED)).isEqualTo(8192);
    }

    @Test
    void thePerOpenLimitIsEnforcedWithEinval() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, X86BufferConfig.DEFAULT_DEVICE_LIMIT_PAGES);
        long framesBefore = domain.kernel().framesInUse();
        HypercallBuffer all = device.allocBuf(64);
        assertThat(errnoOf(() -> device.allocBuf(1))).isEqualTo(XenErrno.EINVAL);
        assertThat(domain.metrics().errors(XenErrno.EINVAL)).isEqualTo(1);
        assertThat(device.allocatedPages()).isEqualTo(64);

        device.freeBuf(all);
        assertThat(device.allocatedPages()).isZero();
        assertThat(domain.kernel().framesInUse()).isEqualTo(framesBefore + 3); // only the new PDPT, PD and PT remain
        assertThat(errnoOf(() -> device.allocBuf(65))).isEqualTo(XenErrno.EINVAL);
        assertThat(device.allocBuf(1).nrPages()).isEqualTo(1);

        PrivcmdBufFile second = new PrivcmdBufFile(process, 64);
        assertThat(second.allocBuf(64).capacity()).isEqualTo(64 * 4096);
    }

    @Test
    void aPrivateMappingIsEinvalAndTakesNothing() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        long framesBefore = domain.kernel().framesInUse();
        assertThat(errnoOf(() -> device.mmap(1, PrivcmdBufFile.MapSharing.PRIVATE))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> device.mmap(0, PrivcmdBufFile.MapSharing.SHARED))).isEqualTo(XenErrno.EINVAL);
        assertThat(device.allocatedPages()).isZero();
        assertThat(domain.kernel().framesInUse()).isEqualTo(framesBefore);
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isZero();
        assertThat(process.mappingCount()).isZero();
    }

    @Test
    void pagesGoBackWhenTheToolUnmapsOrExits() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        HypercallBuffer a = device.allocBuf(3);
        device.allocBuf(4);
        long framesWithBuffers = domain.kernel().framesInUse();

        process.munmap(a.userAddress(), a.capacity()); // the tool unmaps by hand
        assertThat(device.allocatedPages()).isEqualTo(4);
        assertThat(domain.kernel().framesInUse()).isEqualTo(framesWithBuffers - 3);

        process.exit();
        assertThat(device.allocatedPages()).isZero();
        assertThat(domain.kernel().framesInUse()).isEqualTo(framesWithBuffers - 7);
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isZero();
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_USED)).isZero();
        assertThat(domain.metrics().peak(Gauge.DEVICE_BYTES_USED)).isEqualTo(7 * 4096);
        assertThat(errnoOf(() -> device.allocBuf(1))).isEqualTo(XenErrno.ESRCH);
    }

    @Test
    void aKernelOutOfPagesIsEnomemAndLeaksNothing() {
        TestingDomain small = new TestingDomain(24);
        TestingUserProcessServices tool = small.process(0);
        PrivcmdBufFile device = new PrivcmdBufFile(tool, 64);
        long free = small.kernel().framesFree();

        assertThat(errnoOf(() -> device.allocBuf(30))).isEqualTo(XenErrno.ENOMEM);
        assertThat(small.kernel().framesFree()).isEqualTo(free);
        assertThat(device.allocatedPages()).isZero();
        assertThat(small.metrics().errors(XenErrno.ENOMEM)).isEqualTo(1);
        assertThat(small.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isZero();
    }

    @Test
    void freeingSomethingElseIsEinval() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        HypercallBuffer a = device.allocBuf(1);
        device.freeBuf(a);
        assertThat(errnoOf(() -> device.freeBuf(a))).isEqualTo(XenErrno.EINVAL);
        HypercallBuffer other = new PrivcmdBufFile(process, 64).allocBuf(1);
        assertThat(errnoOf(() -> device.freeBuf(other))).isEqualTo(XenErrno.EINVAL);
        assertThat(process.mappingCount()).isEqualTo(1);
    }

    @Test
    void openAndMmapAreSystemCallsOfTheProcessCountedOnce() {
        long before = domain.metrics().get(Counter.GUEST_SYSCALLS);
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        device.allocBuf(1);
        assertThatCode(() -> device.mmap(1, PrivcmdBufFile.MapSharing.PRIVATE)).isInstanceOf(XenException.class);

        assertThat(process.systemCalls()).containsExactly(
                "open /dev/xen/hypercall", "mmap /dev/xen/hypercall", "mmap /dev/xen/hypercall");
        // The process counts its system calls; the driver adds none of its own.
        assertThat(domain.metrics().get(Counter.GUEST_SYSCALLS)).isEqualTo(before + 3);
    }

    @Test
    void aKillDuringTheMmapIsDeliveredAtReturnToUserAndLeavesNothing() {
        PrivcmdBufFile device = new PrivcmdBufFile(process, 64);
        long framesBefore = domain.kernel().framesInUse();
        process.killDuringNextSystemCall();

        assertThat(errnoOf(() -> device.allocBuf(3))).isEqualTo(XenErrno.ESRCH);
        assertThat(process.isAlive()).isFalse();
        assertThat(device.allocatedPages()).isZero();
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isZero();
        assertThat(domain.metrics().current(Gauge.DEVICE_BYTES_USED)).isZero();
        assertThat(process.mappingCount()).isZero();
        // The device pages went back; only page tables made for the mapping may remain.
        assertThat(domain.kernel().framesInUse()).isLessThanOrEqualTo(framesBefore + 3);
    }
}
