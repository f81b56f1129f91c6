package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/**
 * The ppc backend's typed states, from creation to release: what a process registered is gone
 * when its state is released (or, with clean-up off, forgotten by the kernel and reclaimed with the
 * domain); a released kernel state takes no new process and reserves no device area; a released
 * domain state holds no registration, pin or heap charge.
 */
final class TestPpcLifecycle {
    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(8));
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 11);
    private final PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());
    private final PpcKernelState kernelState = PpcStates.kernel(xencomm, kernel);

    @Test
    void eachProcessGetsItsOwnStateLinkedToItsKernel() {
        TestingProcess first = kernel.spawn();
        TestingProcess second = kernel.spawn();
        PpcProcessState a = PpcStates.process(xencomm, first);
        PpcProcessState b = PpcStates.process(xencomm, second);

        assertThat(a).isNotSameAs(b);
        assertThat(a.kernelState()).isSameAs(kernelState).isSameAs(b.kernelState());
        a.openUserBuffers().allocBuf(1);
        assertThat(a.recordedRegistrations()).isEqualTo(1);
        assertThat(b.recordedRegistrations()).isZero();
    }

    @Test
    void anExitReleasesTheProcessStateAndEveryRegistrationItHeld() {
        TestingProcess tool = kernel.spawn();
        PpcProcessState state = PpcStates.process(xencomm, tool);
        PpcBufferApi api = state.openUserBuffers();
        api.allocBuf(2);
        api.allocBuf(1);
        assertThat(table().liveCount()).isEqualTo(2);

        tool.exit();

        assertThat(state.isReleased()).isTrue();
        assertThat(state.recordedRegistrations()).isZero();
        assertThat(table().liveCount()).isZero();
        assertThat(domain.totalPins()).isZero();
        assertThat(table().heapCharged()).isEqualTo(table().leaves() * RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(table().recountHeapBytes()).isEqualTo(table().heapCharged());
        assertThatThrownBy(state::openUserBuffers).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        state.release();
        assertThat(table().liveCount()).isZero();
    }

    @Test
    void aKillDuringARegistrationLeavesNothingRegistered() {
        TestingProcess tool = kernel.spawn();
        PpcProcessState state = PpcStates.process(xencomm, tool);
        PpcBufferApi api = state.openUserBuffers();
        api.allocBuf(1);
        tool.killDuringNextSystemCall();

        assertThatThrownBy(() -> api.allocBuf(2)).isInstanceOf(XenException.class);

        assertThat(state.isReleased()).isTrue();
        assertThat(table().liveCount()).isZero();
        assertThat(domain.totalPins()).isZero();
    }

    @Test
    void withCleanupOffTheProcessForgetsItsRegistrationsAndTheDomainReclaimsThem() {
        TestingMachine leaky = new TestingMachine(PpcConfig.defaults().withCleanup(false));
        TestingDomain dom = leaky.createDomain(0, 512, 1 << 20);
        TestingKernel k = new TestingKernel(leaky, dom, 3);
        PpcGuestXencomm x = new PpcGuestXencomm(leaky.config());
        TestingProcess tool = k.spawn();
        PpcProcessState state = PpcStates.process(x, tool);
        state.openUserBuffers().allocBuf(3);

        tool.exit();

        assertThat(state.recordedRegistrations()).as("the kernel keeps nothing of the dead process").isZero();
        RegistrationTable table = dom.archState().registrationTable();
        assertThat(table.liveCount()).as("the leak the variant shows").isEqualTo(1);
        assertThat(dom.totalPins()).isEqualTo(3);

        leaky.destroyDomain(0);

        assertThat(table.liveCount()).isZero();
        assertThat(table.heapCharged()).isZero();
        assertThat(dom.totalPins()).isZero();
        assertThat(dom.heap().used()).isZero();
    }

    @Test
    void aReleasedKernelStateTakesNoProcessAndReservesNoDeviceArea() {
        TestingMachine device = new TestingMachine(PpcConfig.defaults().withBuffers(PpcConfig.BufferSource.DEVICE).withDevicePages(4));
        TestingDomain dom = device.createDomain(0, 512, 1 << 20);
        TestingKernel k = new TestingKernel(device, dom, 5);
        PpcGuestXencomm x = new PpcGuestXencomm(device.config());
        PpcKernelState state = PpcStates.kernel(x, k);
        TestingProcess tool = k.spawn();
        PpcBufferApi api = PpcStates.process(x, tool).openUserBuffers();
        tool.exit();

        state.release();

        assertThat(state.isReleased()).isTrue();
        assertThatThrownBy(() -> state.attachProcess(k.spawn())).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        assertThatThrownBy(state::deviceArea).isInstanceOf(XenException.class);
        assertThat(state.deviceFreePages()).isEqualTo(-1);
        assertThat(device.metrics().current(Gauge.DEVICE_BYTES_RESERVED)).isZero();
        assertThatThrownBy(() -> api.allocBuf(1)).isInstanceOf(XenException.class);
    }

    @Test
    void aReleasedDomainStateHoldsNothingAndRefusesItsHypercall() {
        TestingProcess tool = kernel.spawn();
        HypercallBuffer buffer = PpcStates.process(xencomm, tool).openUserBuffers().allocBuf(2);
        RegistrationTable table = table();
        var state = domain.archState();
        var context = machine.context(0);
        assertThat(state.hypercall(RegistrationOp.HYPERCALL)).isNotNull();
        assertThat(state.hypercall(RegistrationOp.HYPERCALL + 1)).isNull();

        machine.destroyDomain(0);

        assertThat(table.liveCount()).isZero();
        assertThat(table.heapCharged()).isZero();
        assertThat(domain.totalPins()).isZero();
        assertThat(domain.heap().used()).isZero();
        assertThatThrownBy(() -> state.open(context, new MemoryReference(buffer.id()), GuestAccessKind.READ))
                .isInstanceOf(XenException.class);
        long[] args = {RegistrationOp.UNREGISTER, buffer.id(), 0, 0, 0};
        assertThat(state.hypercall(RegistrationOp.HYPERCALL).handle(context, args)).isNegative();
    }

    @Test
    void descriptorModeKeepsNoTableAndServesNoRegistration() {
        TestingMachine descriptor = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
        TestingDomain dom = descriptor.createDomain(0, 512, 1 << 20);
        assertThat(dom.archState().registrationTable()).isNull();
        assertThat(dom.archState().hypercall(RegistrationOp.HYPERCALL)).isNull();
        assertThat(descriptor.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER)).isEqualTo(XenErrno.ENOSYS.asResult());
        descriptor.destroyDomain(0);
        assertThat(dom.heap().used()).isZero();
    }

    private RegistrationTable table() {
        return domain.archState().registrationTable();
    }
}
