package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.guest.kernel.TestKernelMemory.errno;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.testing.TestingGuestXencomm;
import org.xencommlab.guest.testing.TestingMachine;

/**
 * The kernel drives the arch's guest half through its typed life cycle: one kernel state made at
 * boot, one process state per process made when it starts, each process state released exactly
 * once at its exit or kill (after its clean-ups, before its memory goes), and the kernel state
 * released exactly once at shutdown, after the last process.
 */
final class TestArchStateLifecycle {
    private final TestingMachine machine = new TestingMachine(GuestConfig.defaults(), true);
    private final TestingGuestXencomm xencomm = machine.xencomm;
    private final GuestKernel kernel = machine.boot(1, 2048);

    @Test
    void bootMakesOneKernelStateAndEachProcessItsOwn() {
        assertThat(xencomm.kernelsAttached()).isEqualTo(1);
        assertThat(kernel.xencomm()).isInstanceOf(TestingGuestXencomm.KernelState.class);
        GuestProcess first = kernel.startProcess("first");
        GuestProcess second = kernel.startProcess("second");

        assertThat(xencomm.processesAttached()).isEqualTo(2);
        assertThat(first.xencomm()).isNotSameAs(second.xencomm());
        assertThat(first.xencomm()).isSameAs(first.xencomm());
        assertThat(xencomm.processesReleased()).isZero();
        assertThat(xencomm.kernelsReleased()).isZero();
    }

    @Test
    void exitReleasesTheProcessStateOnceAfterItsCleanupsAndBeforeItsMemoryGoes() {
        GuestProcess process = kernel.startProcess("tool");
        TestingGuestXencomm.ProcessState state = (TestingGuestXencomm.ProcessState) process.xencomm();
        long address = process.mmapAnonymous(4096);
        process.writeMemory(address, new byte[] {7}, 0, 1);
        List<String> seen = new ArrayList<>();
        process.atExit(() -> seen.add("clean-up sees releases=" + state.releases() + " resident=" + process.residentPages()));
        long framesBefore = kernel.framesInUse();

        process.exit();

        assertThat(seen).containsExactly("clean-up sees releases=0 resident=1");
        assertThat(state.releases()).isEqualTo(1);
        assertThat(kernel.framesInUse()).isLessThan(framesBefore);
        assertThat(errno(process::exit)).isEqualTo(XenErrno.ESRCH);
        process.kill();
        assertThat(state.releases()).isEqualTo(1);
        assertThat(kernel.processes()).isEmpty();
        assertThat(xencomm.kernelsReleased()).as("the kernel is not shut down").isZero();
        assertThatThrownBy(state::openUserBuffers).isInstanceOf(XenException.class);
    }

    @Test
    void aKillOutsideASystemCallReleasesAtOnce() {
        GuestProcess process = kernel.startProcess("tool");
        TestingGuestXencomm.ProcessState state = (TestingGuestXencomm.ProcessState) process.xencomm();

        process.kill();
        process.kill();

        assertThat(state.releases()).isEqualTo(1);
        assertThat(process.wasKilled()).isTrue();
    }

    @Test
    void aKillInsideASystemCallReleasesAtTheReturnToUser() {
        GuestProcess process = kernel.startProcess("tool");
        TestingGuestXencomm.ProcessState state = (TestingGuestXencomm.ProcessState) process.xencomm();
        int[] during = new int[1];

        assertThat(errno(() -> process.systemCall("ioctl", () -> {
            process.kill();
            during[0] = state.releases();
            return null;
        }))).isEqualTo(XenErrno.ESRCH);

        assertThat(during[0]).as("not while the call runs").isZero();
        assertThat(state.releases()).isEqualTo(1);
    }

    @Test
    void shutdownReleasesEveryProcessStateThenTheKernelStateOnce() {
        GuestProcess first = kernel.startProcess("first");
        GuestProcess second = kernel.startProcess("second");
        second.exit();

        kernel.shutdown();
        kernel.shutdown();

        assertThat(((TestingGuestXencomm.ProcessState) first.xencomm()).releases()).isEqualTo(1);
        assertThat(((TestingGuestXencomm.ProcessState) second.xencomm()).releases()).isEqualTo(1);
        assertThat(((TestingGuestXencomm.KernelState) kernel.xencomm()).releases()).isEqualTo(1);
        assertThat(kernel.isXencommReleased()).isTrue();
        assertThat(xencomm.processesReleased()).isEqualTo(xencomm.processesAttached());
        assertThat(errno(() -> kernel.startProcess("late"))).isEqualTo(XenErrno.ESRCH);
        assertThat(xencomm.processesAttached()).isEqualTo(2);
    }

    @Test
    void aShutdownDuringASystemCallReleasesTheKernelStateAfterThatProcess() {
        GuestProcess process = kernel.startProcess("tool");
        int[] during = new int[2];

        assertThat(errno(() -> process.systemCall("ioctl", () -> {
            kernel.shutdown();
            during[0] = xencomm.kernelsReleased();
            during[1] = xencomm.processesReleased();
            return null;
        }))).isEqualTo(XenErrno.ESRCH);

        assertThat(during).containsExactly(0, 0);
        assertThat(xencomm.processesReleased()).isEqualTo(1);
        assertThat(xencomm.kernelsReleased()).isEqualTo(1);
    }

    @Test
    void aShutdownKernelWithNoProcessReleasesItsStateAtOnce() {
        kernel.shutdown();
        assertThat(xencomm.kernelsReleased()).isEqualTo(1);
    }

    @Test
    void anArchThatCannotMakeAProcessStateLeavesNoProcessBehind() {
        Misbehaving arch = new Misbehaving(true, false);
        GuestKernel other = boot(arch);
        long frames = other.framesInUse();

        assertThatThrownBy(() -> other.startProcess("tool")).isInstanceOf(IllegalStateException.class);

        assertThat(other.processes()).isEmpty();
        assertThat(other.framesInUse()).isEqualTo(frames);
    }

    @Test
    void aReleaseThatThrowsIsCountedAndTheTeardownStillCompletes() {
        Misbehaving arch = new Misbehaving(false, true);
        GuestKernel other = boot(arch);
        GuestProcess process = other.startProcess("tool");
        process.mmapAnonymous(4096);
        long frames = process.framesInUse();

        process.exit();
        other.shutdown();

        assertThat(frames).isPositive();
        assertThat(process.framesInUse()).isZero();
        assertThat(other.processes()).isEmpty();
        assertThat(arch.releases).isEqualTo(2);
        assertThat(other.xencommReleaseFailures()).isEqualTo(2);
        assertThat(other.isXencommReleased()).isTrue();
    }

    private GuestKernel boot(GuestXencomm arch) {
        GuestKernelFactory factory = new GuestKernelFactory(machine.gate, machine.format, TestingMachine.LAYOUT,
                TestingMachine.PAGE, machine.scheduler, machine.metrics, Trace.DISABLED, machine.config, arch);
        return factory.boot(2, 512, machine.addDomain(2, 512));
    }

    /** A guest half that fails to make process states, or whose releases throw (an arch bug). */
    private static final class Misbehaving implements GuestXencomm {
        private final boolean failAttach;
        private final boolean failRelease;
        int releases;

        Misbehaving(boolean failAttach, boolean failRelease) {
            this.failAttach = failAttach;
            this.failRelease = failRelease;
        }

        @Override
        public KernelXencomm attachKernel(KernelServices kernel) {
            return new KernelXencomm() {
                @Override
                public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
                    return new MemoryReference(block.kernelAddress() + offset);
                }

                @Override
                public ProcessXencomm attachProcess(UserProcessServices process) {
                    if (failAttach) {
                        throw new IllegalStateException("arch bug at attach");
                    }
                    return new ProcessXencomm() {
                        @Override
                        public HypercallBufferApi openUserBuffers() {
                            throw new XenException(XenErrno.ENOSYS, "no buffers");
                        }

                        @Override
                        public void release() {
                            released();
                        }
                    };
                }

                @Override
                public void release() {
                    released();
                }
            };
        }

        private void released() {
            releases++;
            if (failRelease) {
                throw new IllegalStateException("arch bug at release");
            }
        }
    }
}
