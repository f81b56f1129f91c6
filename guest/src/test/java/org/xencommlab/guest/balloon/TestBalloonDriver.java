package org.xencommlab.guest.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.strategy.embedded.form.EmbeddedStrategy;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.xenstore.XenStore;

final class TestBalloonDriver {
    static java.util.stream.Stream<ArgumentStrategy> strategies() {
        return org.xencommlab.guest.testing.TestingStrategies.all();
    }

    /** Hypercalls one request of {@code n} extents takes in {@code strategy}. */
    private static long callsFor(ArgumentStrategy strategy, int n) {
        if (strategy.form() == AbiForm.POINTER) {
            return 1;
        }
        int perBlock = ReservationBlock.maxExtents(((EmbeddedStrategy) strategy).maxBlock());
        return (n + perBlock - 1) / perBlock;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void inflateGivesTheHighestFreeFramesToTheHypervisorAndDeflateTakesTheLowestBack(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(1, 1024);
        FrameAllocator frames = kernel.frameAllocator();
        GuestPhysicalMemory memory = machine.physicalMemory(1);
        BalloonDriver balloon = machine.balloons.load(kernel);
        long free = frames.freeFrames() + kernel.kernelTableFrames();
        int blocks = kernel.kernelBlocksLive();
        long hypercalls = machine.hypercalls();

        assertThat(balloon.inflate(100)).isEqualTo(100);

        long[] out = frames.balloonedFrames();
        assertThat(out).hasSize(100);
        assertThat(out[0]).isEqualTo(924);
        assertThat(out[99]).isEqualTo(1023);
        for (long gfn = 0; gfn < 1024; gfn++) {
            assertThat(memory.isRam(gfn)).as("frame %d", gfn).isEqualTo(gfn < 924);
        }
        // The arena's frames are back; only the direct map's new page tables stay (kernel tables are never freed).
        assertThat(frames.freeFrames() + kernel.kernelTableFrames()).isEqualTo(free - 100);
        assertThat(machine.totPages(1)).isEqualTo(924);
        assertThat(balloon.currentPages()).isEqualTo(924);
        assertThat(machine.hypercalls() - hypercalls).isEqualTo(callsFor(strategy, 100)).isEqualTo(balloon.hypercalls());
        assertThat(kernel.kernelBlocksLive()).as("the arena is freed").isEqualTo(blocks);

        assertThat(balloon.deflate(30)).isEqualTo(30);
        long[] still = frames.balloonedFrames();
        assertThat(still).hasSize(70);
        assertThat(still[0]).isEqualTo(954);
        for (long gfn = 924; gfn < 954; gfn++) {
            assertThat(memory.isRam(gfn)).isTrue();
            assertThat(frames.useOf(gfn)).isEqualTo(FrameUse.FREE);
        }
        assertThat(frames.freeFrames() + kernel.kernelTableFrames()).isEqualTo(free - 70);
        assertThat(machine.totPages(1)).isEqualTo(954);
        assertThat(balloon.pagesInflated()).isEqualTo(100);
        assertThat(balloon.pagesDeflated()).isEqualTo(30);
        assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isZero();
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aFrameGivenBackReadsAsZeroWhenTheBalloonTakesItAgain(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(1, 256);
        GuestPhysicalMemory memory = machine.physicalMemory(1);
        memory.write(255L * 4096, new byte[] {42}, 0, 1);
        BalloonDriver balloon = machine.balloons.load(kernel);
        balloon.inflate(1);
        assertThat(memory.isRam(255)).isFalse();
        balloon.deflate(1);
        byte[] back = new byte[1];
        memory.read(255L * 4096, back, 0, 1);
        assertThat(back[0]).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void framesTheHypervisorDoesNotPopulateStayBallooned(ArgumentStrategy strategy) {
        // A machine of 552 frames: domain 1's 512 and 40 free.
        TestingMachine machine = new TestingMachine(strategy, TestingMachine.HYPERVISOR.withMachineMemoryBytes(552L * 4096));
        GuestKernel kernel = machine.boot(1, 512, 1024);
        FrameAllocator frames = kernel.frameAllocator();
        BalloonDriver balloon = machine.balloons.load(kernel);
        assertThat(balloon.currentPages()).isEqualTo(512);
        assertThat(machine.hypervisor.frames().freeFrames()).isEqualTo(40);

        assertThat(balloon.deflate(100)).isEqualTo(40);

        assertThat(balloon.currentPages()).isEqualTo(552);
        assertThat(balloon.pagesRefused()).isEqualTo(60);
        assertThat(frames.count(FrameUse.BALLOONED)).isEqualTo(472);
        assertThat(frames.balloonedFrames()[0]).isEqualTo(552);
        assertThat(machine.totPages(1)).isEqualTo(552);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void framesTheHypervisorRefusesToTakeGoBackToTheAllocator(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(1, 512);
        FrameAllocator frames = kernel.frameAllocator();
        BalloonDriver balloon = machine.balloons.load(kernel);
        long free = frames.freeFrames() + kernel.kernelTableFrames();
        // The hypervisor already lost frame 500 (a foreign change): decrease_reservation stops there.
        machine.domain(1).decreaseReservation(500, 0);

        long given = balloon.inflate(20);

        // balloonOut takes 511 down to 492; Xen frees in order and stops at 500.
        assertThat(given).isEqualTo(11);
        assertThat(balloon.pagesRefused()).isEqualTo(9);
        assertThat(frames.balloonedFrames()).containsExactly(501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511);
        assertThat(frames.freeFrames() + kernel.kernelTableFrames()).isEqualTo(free - 11);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void inflatingBeyondTheFreeFramesTakesWhatIsFree(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(1, 256);
        BalloonDriver balloon = machine.balloons.load(kernel);
        long given = balloon.inflate(10_000);
        assertThat(given).isGreaterThan(200).isLessThan(256);
        assertThat(kernel.frameAllocator().freeFrames()).as("at most the argument arena's frames").isLessThanOrEqualTo(2);
        assertThat(machine.totPages(1)).isEqualTo(256 - given);
        assertThat(balloon.deflate(10_000)).isEqualTo(given);
        assertThat(machine.totPages(1)).isEqualTo(256);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLongBalloonCompletesThroughContinuations(ArgumentStrategy strategy) {
        // The hypervisor preempts a reservation operation after every 16 extents of one entry.
        TestingMachine machine = new TestingMachine(strategy, TestingMachine.HYPERVISOR.withPreemptionPolls(16));
        GuestKernel kernel = machine.boot(1, 20_000);
        BalloonDriver balloon = machine.balloons.load(kernel);

        assertThat(balloon.inflate(16_384)).isEqualTo(16_384);
        assertThat(machine.continuations()).isPositive();
        assertThat(machine.hypercalls()).isEqualTo(callsFor(strategy, 16_384));
        assertThat(machine.totPages(1)).isEqualTo(20_000 - 16_384);
        assertThat(balloon.deflate(16_384)).isEqualTo(16_384);
        assertThat(machine.totPages(1)).isEqualTo(20_000);
        assertThat(kernel.frameAllocator().count(FrameUse.BALLOONED)).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theTargetInXenstoreDrivesTheBalloon(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(1, 1024, 2048);
        BalloonDriver balloon = machine.balloons.load(kernel);

        machine.xenstore.write(0, XenStore.memoryTargetPath(1), Long.toString(800L * 4));
        assertThat(balloon.targetPages()).isEqualTo(800);
        assertThat(balloon.currentPages()).isEqualTo(800);
        assertThat(machine.totPages(1)).isEqualTo(800);

        machine.xenstore.write(0, XenStore.memoryTargetPath(1), Long.toString(1500L * 4));
        assertThat(balloon.currentPages()).isEqualTo(1500);
        assertThat(machine.totPages(1)).isEqualTo(1500);

        machine.xenstore.write(0, XenStore.memoryTargetPath(1), "lots");
        assertThat(balloon.currentPages()).isEqualTo(1500);
        assertThat(machine.metrics.errors(org.xencommlab.api.errno.XenErrno.EINVAL)).isEqualTo(1);

        balloon.unload();
        machine.xenstore.write(0, XenStore.memoryTargetPath(1), Long.toString(600L * 4));
        assertThat(balloon.currentPages()).isEqualTo(1500);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aDriverLoadedAfterTheTargetWasWrittenMovesToItAtOnce(ArgumentStrategy strategy) {
        TestingMachine machine = new TestingMachine(strategy);
        GuestKernel kernel = machine.boot(2, 512);
        machine.xenstore.write(0, XenStore.memoryTargetPath(2), Long.toString(400L * 4));
        BalloonDriver balloon = machine.balloons.load(kernel);
        assertThat(balloon.currentPages()).isEqualTo(400);
        assertThat(Arrays.stream(kernel.frameAllocator().balloonedFrames()).min().orElseThrow()).isEqualTo(400);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aBalloonOfOneHundredThousandPagesCompletes(ArgumentStrategy strategy) {
        // The hypervisor preempts a reservation operation after every 1024 extents of one entry.
        TestingMachine machine = new TestingMachine(strategy, TestingMachine.HYPERVISOR.withPreemptionPolls(1024));
        GuestKernel kernel = machine.boot(1, 110_000);
        BalloonDriver balloon = machine.balloons.load(kernel);

        assertThat(balloon.inflate(100_000)).isEqualTo(100_000);
        assertThat(machine.totPages(1)).isEqualTo(10_000);
        assertThat(machine.hypercalls()).isEqualTo(callsFor(strategy, 100_000));
        if (strategy.form() == AbiForm.POINTER) {
            assertThat(machine.continuations()).isEqualTo(100_000 / 1024);
        }
        assertThat(balloon.deflate(100_000)).isEqualTo(100_000);
        assertThat(machine.totPages(1)).isEqualTo(110_000);
    }
}
