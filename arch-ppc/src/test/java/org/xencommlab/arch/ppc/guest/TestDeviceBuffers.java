package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyFrom;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.pattern;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** {@code buffers=device}: one reservation, one registration, a hard ceiling. */
final class TestDeviceBuffers {
    private static final int PAGE = 4096;

    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withBuffers(PpcConfig.BufferSource.DEVICE).withDevicePages(16));
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 7);
    private final PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());

    @Test
    void buffersAreOnePhysicalRangeOfOneRegistrationSoSpanningIsFree() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        HypercallBuffer first = api.allocBuf(3);
        HypercallBuffer second = api.allocBuf(2);
        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).as("the area is registered once").isEqualTo(1);
        assertThat(PpcMemref.bufidOf(first.id())).isEqualTo(PpcMemref.bufidOf(second.id()));
        assertThat(PpcMemref.offset(second.id())).isEqualTo(3 * PAGE);
        long physical = tool.translate(first.userAddress());
        for (int i = 1; i < 3; i++) {
            assertThat(tool.translate(first.userAddress() + (long) i * PAGE)).isEqualTo(physical + (long) i * PAGE);
        }
        BufferSlice slice = second.allocMem(PAGE + 500);
        byte[] content = pattern(2, PAGE + 500);
        tool.writeMemory(slice.userAddress(), content, 0, content.length);
        assertThat(copyFrom(machine, 0, slice.reference().value(), 0, content.length)).isEqualTo(content);

        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(16L * PAGE);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isEqualTo(5L * PAGE);
        assertThat((domain.archState().registrationTable()).heapCharged()).isEqualTo(RegistrationTable.chargeFor(16) + RegistrationTable.LEAF_HEAP_BYTES);
    }

    @Test
    void theCeilingIsEnomemTheToolCanSeeAndFreedPagesComeBack() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        assertThatThrownBy(() -> api.allocBuf(17))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM));
        HypercallBuffer big = api.allocBuf(12);
        api.allocBuf(4);
        assertThatThrownBy(() -> api.allocBuf(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM));
        assertThat(PpcStates.kernel(xencomm, kernel).deviceFreePages()).isZero();
        api.freeBuf(big);
        assertThat(PpcStates.kernel(xencomm, kernel).deviceFreePages()).isEqualTo(12);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isEqualTo(4L * PAGE);
        assertThat(machine.metrics().peak(Gauge.DEVICE_BYTES_USED)).isEqualTo(16L * PAGE);
        assertThatThrownBy(() -> api.freeBuf(big)).isInstanceOf(XenException.class);
        HypercallBuffer again = api.allocBuf(12);
        byte[] zeros = new byte[PAGE];
        byte[] seen = new byte[PAGE];
        tool.readMemory(again.userAddress(), seen, 0, PAGE);
        assertThat(seen).as("a reused piece is zeroed").isEqualTo(zeros);
    }

    @Test
    void piecesReturnToTheDeviceWhenTheProcessDies() {
        TestingProcess tool = kernel.spawn();
        PpcStates.process(xencomm, tool).openUserBuffers().allocBuf(10);
        TestingProcess other = kernel.spawn();
        assertThatThrownBy(() -> PpcStates.process(xencomm, other).openUserBuffers().allocBuf(10))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM));
        tool.exit();
        assertThat(PpcStates.kernel(xencomm, kernel).deviceFreePages()).isEqualTo(16);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isZero();
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).as("the reservation stays").isEqualTo(16L * PAGE);
        assertThat(PpcStates.process(xencomm, other).openUserBuffers().allocBuf(10).capacity()).isEqualTo(10L * PAGE);
    }

    @Test
    void inDescriptorModeTheDeviceIsNotRegistered() {
        TestingMachine descriptor = new TestingMachine(machine.config().withMode(PpcConfig.Mode.DESCRIPTOR));
        TestingDomain dom = descriptor.createDomain(0, 512, 1 << 20);
        TestingKernel k = new TestingKernel(descriptor, dom, 3);
        PpcGuestXencomm x = new PpcGuestXencomm(descriptor.config());
        TestingProcess tool = k.spawn();
        HypercallBuffer buffer = PpcStates.process(x, tool).openUserBuffers().allocBuf(2);
        assertThat(buffer.allocMem(8).reference().value()).isEqualTo(buffer.userAddress());
        assertThat(descriptor.metrics().get(PpcMetrics.REGISTRATIONS)).isZero();
        assertThat(descriptor.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(16L * PAGE);
    }

    @Test
    void aDeviceMmapIsASystemCallAndAKillDuringItLeavesNothing() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        api.allocBuf(1);
        assertThat(tool.systemCalls()).as("mmap of the device is the tool's system call").hasSize(1);
        int freeBefore = PpcStates.kernel(xencomm, kernel).deviceFreePages();

        tool.killDuringNextSystemCall();
        assertThatThrownBy(() -> api.allocBuf(4))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        assertThat(tool.isAlive()).isFalse();
        assertThat(tool.mappingCount()).isZero();
        assertThat(PpcStates.kernel(xencomm, kernel).deviceFreePages()).as("every page went back to the area").isEqualTo(freeBefore + 1);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isZero();
    }
}
