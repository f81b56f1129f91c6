package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.guest.kernel.TestKernelMemory.errno;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingWalker;

final class TestGuestProcess {
    private static final int PAGE = 4096;

    private final TestingMachine machine = new TestingMachine(GuestConfig.defaults().withMlockLimitPages(8), true);
    private final GuestKernel kernel = machine.boot(1, 2048);
    private final GuestProcess process = kernel.startProcess("tool");

    @Test
    void demandPagingMapsZeroedFramesInPageTablesInGuestMemory() {
        long address = process.mmapAnonymous(3 * PAGE);
        assertThat(address).isEqualTo(0x10000);
        assertThat(TestingWalker.leafEntry(kernel.physicalMemory(), process.rootGfn(), address)).isZero();
        assertThat(process.residentPages()).isZero();

        byte[] read = new byte[10];
        process.readMemory(address + PAGE + 5, read, 0, 10);
        assertThat(read).containsOnly(0);
        assertThat(machine.metrics.get(Counter.PAGE_FAULTS)).isEqualTo(1);
        long entry = TestingWalker.leafEntry(kernel.physicalMemory(), process.rootGfn(), address + PAGE);
        assertThat(entry & 7).as("present, writable, user").isEqualTo(7);
        assertThat(process.translate(address + PAGE + 5)).isEqualTo(TestingWalker.translate(kernel.physicalMemory(), process.rootGfn(), address + PAGE + 5));
        assertThat(process.translate(address)).isEqualTo(-1);
        assertThat(process.residentPages()).isEqualTo(1);
    }

    @Test
    void writesAndReadsCrossPageBoundariesThroughTheRealFrames() {
        long address = process.mmapAnonymous(3 * PAGE);
        byte[] data = new byte[PAGE + 200];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        process.writeMemory(address + PAGE - 100, data, 0, data.length);
        byte[] back = new byte[data.length];
        process.readMemory(address + PAGE - 100, back, 0, back.length);
        assertThat(back).isEqualTo(data);
        // the bytes sit in the frames the tables name
        byte[] tail = new byte[100];
        kernel.physicalMemory().read(TestingWalker.translate(kernel.physicalMemory(), process.rootGfn(), address + PAGE - 100), tail, 0, 100);
        assertThat(tail).isEqualTo(java.util.Arrays.copyOf(data, 100));
        assertThat(process.residentPages()).isEqualTo(3);
    }

    @Test
    void userAccessOutsideAMappingIsEfaultAndChangesNothing() {
        long address = process.mmapAnonymous(PAGE);
        byte[] data = new byte[2 * PAGE];
        assertThat(errno(() -> process.writeMemory(address, data, 0, data.length))).isEqualTo(XenErrno.EFAULT);
        assertThat(process.residentPages()).isZero();
        assertThat(errno(() -> process.readMemory(0x8000_0000_0000_0000L, data, 0, 1))).isEqualTo(XenErrno.EFAULT);
        assertThat(errno(() -> process.readMemory(TestingMachine.LAYOUT.kernelDirectMapBase(), data, 0, 1))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void mlockIsNotReferenceCounted() {
        long address = process.mmapAnonymous(PAGE);
        // two "buffers" on one page, as libxc had before 2008
        process.mlock(address, 100);
        process.mlock(address + 200, 100);
        assertThat(process.lockedPages()).isEqualTo(1);
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isEqualTo(1);
        process.munlock(address, 100);
        assertThat(process.isLocked(address + 200)).as("the other buffer's page is unlocked too").isFalse();
        assertThat(process.lockedPages()).isZero();
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
        assertThat(machine.metrics.get(Counter.MLOCK_CALLS)).isEqualTo(2);
        assertThat(machine.metrics.get(Counter.MUNLOCK_CALLS)).isEqualTo(1);
        assertThat(machine.metrics.get(Counter.MLOCKED_PAGES)).isEqualTo(2);
    }

    @Test
    void mlockFaultsPagesInAndUnalignedRangesLockTheirPages() {
        long address = process.mmapAnonymous(4 * PAGE);
        process.mlock(address + PAGE - 1, 2);
        assertThat(process.isLocked(address)).isTrue();
        assertThat(process.isLocked(address + PAGE)).isTrue();
        assertThat(process.isLocked(address + 2 * PAGE)).isFalse();
        assertThat(process.residentPages()).isEqualTo(2);
        assertThat(process.translate(address)).isNotNegative();
    }

    @Test
    void aZeroLengthAtAnUnalignedAddressStillCoversItsPageAsLinuxRoundsIt() {
        // do_mlock: len = PAGE_ALIGN(len + offset_in_page(start)); start &= PAGE_MASK.
        long address = process.mmapAnonymous(2 * PAGE);
        process.mlock(address + 5, 0);
        assertThat(process.isLocked(address)).isTrue();
        assertThat(process.lockedPages()).isEqualTo(1);
        assertThat(machine.metrics.get(Counter.MLOCKED_PAGES)).isEqualTo(1);

        process.munlock(address + PAGE - 1, 0);
        assertThat(process.isLocked(address)).isFalse();
        assertThat(process.lockedPages()).isZero();
        assertThat(machine.metrics.get(Counter.MUNLOCKED_PAGES)).isEqualTo(1);

        process.mlock(address + PAGE, 0); // page-aligned: nothing to do
        assertThat(process.lockedPages()).isZero();
    }

    @Test
    void mlockBeyondTheLimitIsEnomemAndLocksNothing() {
        long address = process.mmapAnonymous(16 * PAGE);
        process.mlock(address, 6 * PAGE);
        assertThat(errno(() -> process.mlock(address + 4 * PAGE, 6 * PAGE))).isEqualTo(XenErrno.ENOMEM);
        assertThat(process.lockedPages()).isEqualTo(6);
        assertThat(process.isLocked(address + 6 * PAGE)).isFalse();
        assertThat(machine.metrics.errors(XenErrno.ENOMEM)).isEqualTo(1);
        // relocking what is locked costs nothing against the limit
        process.mlock(address, 8 * PAGE);
        assertThat(process.lockedPages()).isEqualTo(8);
    }

    @Test
    void badArgumentsGetLinuxErrnosAndChangeNothing() {
        long address = process.mmapAnonymous(2 * PAGE);
        assertThat(errno(() -> process.mmapAnonymous(0))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.mmapAnonymous(-5))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.mmapAnonymous(Long.MAX_VALUE))).isEqualTo(XenErrno.ENOMEM);
        assertThat(errno(() -> process.munmap(address + 1, PAGE))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.munmap(address, 0))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.munmap(-PAGE, PAGE))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.mlock(address, -1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.mlock(-PAGE, 2L * PAGE))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.mlock(0x0000_8000_0000_0000L, PAGE))).isEqualTo(XenErrno.ENOMEM);
        assertThat(errno(() -> process.mlock(address, 3 * PAGE))).as("partly unmapped").isEqualTo(XenErrno.ENOMEM);
        assertThat(errno(() -> process.munlock(address + 2 * PAGE, PAGE))).isEqualTo(XenErrno.ENOMEM);
        assertThat(errno(() -> process.pinUserPages(address + 8, 1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> process.pinUserPages(address, 3))).isEqualTo(XenErrno.EFAULT);
        assertThat(errno(() -> process.unpinUserPages(new long[] {12345}))).isEqualTo(XenErrno.EINVAL);
        assertThat(process.lockedPages()).isZero();
        assertThat(process.residentPages()).isZero();
        assertThat(process.vmaCount()).isEqualTo(1);
        assertThat(process.pins()).isZero();
    }

    @Test
    void munmapSplitsMappingsAndFreesAndUnlocksPages() {
        long address = process.mmapAnonymous(4 * PAGE);
        process.mlock(address, 4 * PAGE);
        long inUse = kernel.framesInUse();
        process.munmap(address + PAGE, 2 * PAGE);
        assertThat(process.vmaCount()).isEqualTo(2);
        assertThat(process.lockedPages()).isEqualTo(2);
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isEqualTo(2);
        assertThat(kernel.framesInUse()).isEqualTo(inUse - 2);
        assertThat(TestingWalker.leafEntry(kernel.physicalMemory(), process.rootGfn(), address + PAGE)).isZero();
        assertThat(errno(() -> process.readMemory(address + PAGE, new byte[1], 0, 1))).isEqualTo(XenErrno.EFAULT);
        // the gap is reused by the next mmap
        assertThat(process.mmapAnonymous(2 * PAGE)).isEqualTo(address + PAGE);
    }

    @Test
    void pinnedPagesReturnTheirFramesAndOutliveTheirMapping() {
        long address = process.mmapAnonymous(2 * PAGE);
        long[] gfns = process.pinUserPages(address, 2);
        assertThat(gfns[0] * PAGE).isEqualTo(process.translate(address));
        assertThat(gfns[1] * PAGE).isEqualTo(process.translate(address + PAGE));
        long inUse = kernel.framesInUse();
        process.munmap(address, 2 * PAGE);
        assertThat(kernel.orphanedPinnedFrames()).isEqualTo(2);
        assertThat(kernel.framesInUse()).isEqualTo(inUse);
        process.unpinUserPages(gfns);
        assertThat(kernel.orphanedPinnedFrames()).isZero();
        assertThat(kernel.framesInUse()).isEqualTo(inUse - 2);
    }

    @Test
    void unpinningMoreThanWasPinnedIsEinvalAndChangesNothing() {
        long address = process.mmapAnonymous(PAGE);
        long[] gfns = process.pinUserPages(address, 1);
        assertThat(errno(() -> process.unpinUserPages(new long[] {gfns[0], gfns[0]}))).isEqualTo(XenErrno.EINVAL);
        assertThat(process.pins()).isEqualTo(1);
        process.unpinUserPages(gfns);
        assertThat(process.pins()).isZero();
    }

    @Test
    void copiesBetweenUserAndKernelMemoryFaultPagesInAndCountBytes() {
        long address = process.mmapAnonymous(3 * PAGE);
        byte[] data = new byte[PAGE + 500];
        new java.util.Random(5).nextBytes(data);
        process.writeMemory(address + 3000, data, 0, data.length);
        KernelBlock block = kernel.kmalloc(2 * PAGE);
        process.copyFromUser(address + 3000, block, 10, data.length);
        byte[] inKernel = new byte[data.length];
        int done = 0;
        while (done < data.length) {
            long physical = block.physicalAddress() + 10 + done;
            int piece = Math.min(data.length - done, PAGE - (int) (physical % PAGE));
            kernel.physicalMemory().read(physical, inKernel, done, piece);
            done += piece;
        }
        assertThat(inKernel).isEqualTo(data);
        long other = process.mmapAnonymous(2 * PAGE);
        process.copyToUser(block, 10, other + 100, data.length);
        byte[] back = new byte[data.length];
        process.readMemory(other + 100, back, 0, back.length);
        assertThat(back).isEqualTo(data);
        assertThat(machine.metrics.get(Counter.KERNEL_COPY_BYTES)).isEqualTo(2L * data.length);
        assertThat(errno(() -> process.copyFromUser(0x7000_0000_0000L, block, 0, 8))).isEqualTo(XenErrno.EFAULT);
        assertThat(errno(() -> process.copyFromUser(address, block, 2 * PAGE - 4, 8))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void kernelFramesMappedIntoAProcessRunTheirCleanupOnceWhenTheLastPageGoes() {
        KernelBlock block = kernel.allocateContiguous(3);
        long first = block.physicalAddress() / PAGE;
        AtomicInteger closed = new AtomicInteger();
        long address = process.mapKernelFrames(new long[] {first, first + 1, first + 2}, closed::incrementAndGet);
        process.writeMemory(address + PAGE, new byte[] {42}, 0, 1);
        byte[] one = new byte[1];
        kernel.physicalMemory().read(block.physicalAddress() + PAGE, one, 0, 1);
        assertThat(one[0]).isEqualTo((byte) 42);
        assertThat(errno(() -> process.pinUserPages(address, 1))).isEqualTo(XenErrno.EFAULT);
        process.mlock(address, 3 * PAGE);
        assertThat(process.lockedPages()).as("mlock leaves a driver mapping alone").isZero();
        assertThat(kernel.compact(process)).isZero();
        assertThat(kernel.swapOut(process, 10)).isZero();
        process.munmap(address + PAGE, PAGE);
        assertThat(closed).hasValue(0);
        process.munmap(address, 3 * PAGE);
        assertThat(closed).hasValue(1);
        kernel.freeContiguous(block);
        assertThat(errno(() -> process.mapKernelFrames(new long[] {first}, () -> {}))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void exitRunsCleanupsInReverseOnceEachDespiteFailuresAndLeavesNothing() {
        long before = kernel.framesInUse() - kernel.kernelTableFrames();
        long lockedBefore = machine.metrics.current(Gauge.LOCKED_PAGES);
        GuestProcess other = kernel.startProcess("other");
        long address = other.mmapAnonymous(8 * PAGE);
        other.mlock(address, 4 * PAGE);
        other.writeMemory(address + 5 * PAGE, new byte[100], 0, 100);
        KernelBlock block = kernel.allocateContiguous(1);
        AtomicInteger unmapped = new AtomicInteger();
        other.mapKernelFrames(new long[] {block.physicalAddress() / PAGE}, unmapped::incrementAndGet);
        kernel.swapOut(other, 10);
        List<String> order = new ArrayList<>();
        other.atExit(() -> order.add("first"));
        other.atExit(() -> {
            throw new IllegalStateException("broken clean-up");
        });
        Runnable cancelled = () -> order.add("cancelled");
        other.atExit(cancelled);
        other.atExit(() -> order.add("last"));
        other.cancelAtExit(cancelled);
        other.exit();

        assertThat(order).containsExactly("last", "first");
        assertThat(other.cleanupFailures()).isEqualTo(1);
        assertThat(unmapped).hasValue(1);
        assertThat(other.isAlive()).isFalse();
        assertThat(other.framesInUse()).isZero();
        assertThat(kernel.framesInUse() - kernel.kernelTableFrames()).as("only the driver's frame is left").isEqualTo(before + 1);
        assertThat(kernel.swapSlotsInUse()).isZero();
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isEqualTo(lockedBefore);
        assertThat(kernel.processes()).containsExactly(process);
        assertThat(errno(() -> other.mmapAnonymous(PAGE))).isEqualTo(XenErrno.ESRCH);
        // a clean-up registered after death runs at once
        AtomicInteger late = new AtomicInteger();
        other.atExit(late::incrementAndGet);
        assertThat(late).hasValue(1);
        kernel.freeContiguous(block);
    }

    @Test
    void exitMovesEveryVcpuOffTheDeadTables() {
        process.mmapAnonymous(PAGE);
        assertThat(machine.pageTableBase(1, 0)).isEqualTo(process.rootGfn() * PAGE);
        process.exit();
        assertThat(machine.pageTableBase(1, 0)).isEqualTo(kernel.kernelRootGfn() * PAGE);
    }

    @Test
    void killOutsideASystemCallIsImmediate() {
        process.kill();
        assertThat(process.isAlive()).isFalse();
        assertThat(process.wasKilled()).isTrue();
        process.kill();
    }

    @Test
    void killInsideASystemCallIsDeliveredAtReturnToUser() {
        long address = process.mmapAnonymous(PAGE);
        AtomicInteger cleanups = new AtomicInteger();
        process.atExit(cleanups::incrementAndGet);
        XenErrno seen = errno(() -> process.systemCall("ioctl", () -> {
            process.kill();
            assertThat(process.isAlive()).as("still running its system call").isTrue();
            process.writeMemory(address, new byte[] {1}, 0, 1);
            return null;
        }));
        assertThat(seen).isEqualTo(XenErrno.ESRCH);
        assertThat(process.isAlive()).isFalse();
        assertThat(cleanups).hasValue(1);
    }

    @Test
    void systemCallsCountAndReachTheirPoints() {
        long syscalls = machine.metrics.get(Counter.GUEST_SYSCALLS);
        long points = machine.scheduler.pointsReached();
        long address = process.mmapAnonymous(PAGE);
        process.mlock(address, PAGE);
        process.munlock(address, PAGE);
        process.munmap(address, PAGE);
        assertThat(machine.metrics.get(Counter.GUEST_SYSCALLS) - syscalls).isEqualTo(4);
        assertThat(machine.scheduler.pointsReached() - points).isEqualTo(8);
    }

    @Test
    void aKillThatLandsDuringMunmapOfADriverMappingStillRunsItsCleanUp() {
        int blocks = kernel.kernelBlocksLive();
        KernelBlock block = kernel.allocateContiguous(1);
        AtomicInteger closed = new AtomicInteger();
        long address = process.mapKernelFrames(new long[] {block.physicalAddress() / PAGE}, () -> {
            closed.incrementAndGet();
            kernel.freeContiguous(block);
        });
        // The munmap's SYSCALL point is the next one: the kill is pending until its return to user.
        machine.scheduler.killAtPoint(machine.scheduler.pointsReached() + 1, process);

        assertThat(errno(() -> process.munmap(address, PAGE))).isEqualTo(XenErrno.ESRCH);

        assertThat(process.wasKilled()).isTrue();
        assertThat(closed.get()).isEqualTo(1);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
    }

    @Test
    void aPageTableFrameTheGuestGaveBackIsEfaultForTheProcessNotAKernelCrash() {
        long address = process.mmapAnonymous(PAGE);
        process.writeMemory(address, new byte[] {42}, 0, 1);
        long leafTable = new PageTables(kernel.physicalMemory(), machine.format, TestingMachine.PAGE)
                .leafEntryAddress(process.rootGfn(), address) / PAGE;
        // The guest hands the frame of its own leaf table to Xen, then gets a zeroed frame back in
        // its place: the kernel still records the page as mapped, its tables no longer say so.
        machine.domain(1).decreaseReservation(leafTable, 0);
        machine.domain(1).populatePhysmap(leafTable, 0);
        long faults = machine.metrics.get(Counter.PAGE_FAULTS);
        byte[] read = new byte[1];

        assertThat(errno(() -> process.readMemory(address, read, 0, 1))).isEqualTo(XenErrno.EFAULT);
        assertThat(errno(() -> process.writeMemory(address, read, 0, 1))).isEqualTo(XenErrno.EFAULT);

        assertThat(process.isAlive()).isTrue();
        assertThat(process.residentPages()).as("nothing changed").isEqualTo(1);
        assertThat(machine.metrics.get(Counter.PAGE_FAULTS)).isEqualTo(faults);
        long frames = kernel.framesInUse();
        process.exit();
        assertThat(kernel.framesInUse()).as("the teardown still frees its page and tables").isLessThan(frames);
    }
}
