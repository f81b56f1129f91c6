package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;

/** The device area: what it reports reserved, what it traces, and how it carves runs of pages. */
final class TestDeviceAreaAccounting {
    private static final int PAGE = 4096;
    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(1));
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 11);

    private List<String> registrationTrace() {
        return machine.trace().events(TraceKind.REGISTRATION).stream().map(TraceEvent::detail).toList();
    }

    @Test
    void aRegisteredAreaIsReportedReservedWithItsRegistrationHeapAndPins() {
        DeviceArea area = DeviceArea.reserve(kernel, 4, true);
        assertThat(area.pages()).isEqualTo(4);
        assertThat(area.bufid()).isPositive();
        assertThat(area.firstGfn()).isEqualTo(area.physicalAddress() / PAGE);
        assertThat(machine.metrics().reserved(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(4L * PAGE);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(4L * PAGE);
        assertThat(machine.metrics().reserved(Gauge.REGISTRATIONS_LIVE)).isEqualTo(1);
        assertThat(machine.metrics().reserved(Gauge.XEN_HEAP_BYTES))
                .isEqualTo(RegistrationTable.chargeFor(4) + RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(machine.metrics().reserved(Gauge.PINNED_FRAMES)).isEqualTo(4);
        assertThat(registrationTrace()).last().isEqualTo("device area 4 pages at 0x" + Long.toHexString(area.physicalAddress())
                + " bufid 0x" + Long.toHexString(area.bufid()));
        assertThat(area.referenceAt(PAGE + 5)).isEqualTo(PpcMemref.withOffset(area.bufid(), PAGE + 5));
    }

    @Test
    void anUnregisteredAreaReservesOnlyItsBytes() {
        DeviceArea area = DeviceArea.reserve(kernel, 3, false);
        assertThat(area.bufid()).isEqualTo(-1);
        assertThat(machine.metrics().reserved(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(3L * PAGE);
        assertThat(machine.metrics().reserved(Gauge.REGISTRATIONS_LIVE)).isZero();
        assertThat(machine.metrics().reserved(Gauge.PINNED_FRAMES)).isZero();
        assertThat(registrationTrace()).containsExactly("device area 3 pages at 0x" + Long.toHexString(area.physicalAddress()));
    }

    @Test
    void aRefusedRegistrationGivesTheFramesBack() {
        DeviceArea.reserve(kernel, 2, true);
        int free = kernel.freeFrames();
        assertThatThrownBy(() -> DeviceArea.reserve(kernel, 2, true))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
        assertThat(kernel.freeFrames()).isEqualTo(free);
        assertThat(machine.metrics().reserved(Gauge.DEVICE_BYTES_RESERVED)).isEqualTo(2L * PAGE);
    }

    @Test
    void carvedPagesAreZeroedEachOfThem() {
        DeviceArea area = DeviceArea.reserve(kernel, 6, false);
        byte[] dirt = new byte[6 * PAGE];
        java.util.Arrays.fill(dirt, (byte) 0x5A);
        kernel.physicalMemory().writeBytes(area.physicalAddress(), dirt);
        assertThat(area.carve(1)).isZero();
        int start = area.carve(3);
        assertThat(start).isEqualTo(1);
        assertThat(kernel.physicalMemory().readBytes(area.physicalAddress(), 4 * PAGE)).containsOnly(0);
        assertThat(kernel.physicalMemory().readBytes(area.physicalAddress() + 4L * PAGE, 2 * PAGE)).containsOnly(0x5A);
        assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isEqualTo(4L * PAGE);
        assertThat(area.freePages()).isEqualTo(2);
    }

    @Test
    void aRunEndingRightBeforeAUsedPageIsTaken() {
        DeviceArea area = DeviceArea.reserve(kernel, 6, false);
        assertThat(area.carve(2)).isZero();
        assertThat(area.carve(2)).isEqualTo(2);
        area.release(0, 2);
        assertThat(area.carve(2)).isZero();
        assertThat(area.carve(2)).isEqualTo(4);
        area.release(2, 2);
        assertThat(area.carve(2)).isEqualTo(2);
    }

    @Test
    void noRunIsEnomemCountedOnceWithWhatIsFree() {
        DeviceArea area = DeviceArea.reserve(kernel, 4, false);
        area.carve(1);
        area.carve(1);
        area.release(0, 1);
        assertThatThrownBy(() -> area.carve(3)).isInstanceOfSatisfying(XenException.class, e -> {
            assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM);
            assertThat(e.getMessage()).contains("(3 free)");
        });
        assertThat(machine.metrics().errors(XenErrno.ENOMEM)).isEqualTo(1);
        assertThat(area.carve(2)).isEqualTo(2);
        assertThat(area.carve(1)).isZero();
    }
}
