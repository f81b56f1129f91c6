package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.guest.kernel.TestKernelMemory.errno;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingWalker;

final class TestPaging {
    private static final int PAGE = 4096;

    private final TestingMachine machine = new TestingMachine(GuestConfig.defaults().withSwapSlots(64), true);
    private final GuestKernel kernel = machine.boot(1, 1024);
    private final GuestProcess process = kernel.startProcess("tool");

    private byte[] fill(long address, int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        process.writeMemory(address, data, 0, length);
        return data;
    }

    private byte[] read(long address, int length) {
        byte[] data = new byte[length];
        process.readMemory(address, data, 0, length);
        return data;
    }

    private long entry(long address) {
        return TestingWalker.leafEntry(kernel.physicalMemory(), process.rootGfn(), address);
    }

    @Test
    void swapperEvictsOnlyUnlockedPagesAndSwapInRestoresTheBytes() {
        long address = process.mmapAnonymous(4 * PAGE);
        byte[] data = fill(address, 4 * PAGE, 1);
        process.mlock(address + PAGE, PAGE);
        long faults = machine.metrics.get(Counter.PAGE_FAULTS);

        assertThat(kernel.swapOut(process, 10)).isEqualTo(3);
        assertThat(machine.metrics.get(Counter.SWAP_OUTS)).isEqualTo(3);
        assertThat(process.residentPages()).isEqualTo(1);
        assertThat(entry(address) & 1).as("not present").isZero();
        assertThat(machine.format.decodePayload(entry(address)) & PageReclaim.SWAP_TAG).isNotZero();
        assertThat(entry(address + PAGE) & 1).as("locked page stays").isEqualTo(1);
        assertThat(process.translate(address)).isEqualTo(-1);
        assertThat(kernel.swapSlotsInUse()).isEqualTo(3);

        assertThat(read(address, 4 * PAGE)).isEqualTo(data);
        assertThat(machine.metrics.get(Counter.SWAP_INS)).isEqualTo(3);
        assertThat(machine.metrics.get(Counter.PAGE_FAULTS) - faults).isEqualTo(3);
        assertThat(kernel.swapSlotsInUse()).isZero();
    }

    @Test
    void pinnedPagesAreNeverSwappedOrMigrated() {
        long address = process.mmapAnonymous(2 * PAGE);
        byte[] data = fill(address, 2 * PAGE, 2);
        long[] gfns = process.pinUserPages(address, 1);
        assertThat(kernel.swapOutAll()).isEqualTo(1);
        assertThat(kernel.compact(process)).isZero();
        assertThat(kernel.startMigration(process, address)).isFalse();
        assertThat(process.translate(address)).isEqualTo(gfns[0] * PAGE);
        process.unpinUserPages(gfns);
        assertThat(kernel.startMigration(process, address)).isTrue();
        assertThat(read(address, 2 * PAGE)).isEqualTo(data);
    }

    @Test
    void compactionMigratesALockedPageInTwoPhases() {
        long address = process.mmapAnonymous(PAGE);
        byte[] data = fill(address, PAGE, 3);
        process.mlock(address, PAGE);
        long oldPhysical = process.translate(address);

        assertThat(kernel.startMigration(process, address)).isTrue();
        assertThat(entry(address) & 1).as("not present between the phases").isZero();
        long target = machine.format.decodePayload(entry(address)) & PageReclaim.PAYLOAD_VALUE_MASK;
        assertThat(machine.format.decodePayload(entry(address)) & PageReclaim.MIGRATION_TAG).isNotZero();
        assertThat(kernel.pendingMigrations()).isEqualTo(1);
        assertThat(machine.metrics.get(Counter.MIGRATIONS)).isZero();
        byte[] copied = new byte[PAGE];
        kernel.physicalMemory().read(target * PAGE, copied, 0, PAGE);
        assertThat(copied).as("phase 1 copied the bytes").isEqualTo(data);

        machine.scheduler.reached(SchedulingPoint.GUEST_READ, 1);
        assertThat(kernel.pendingMigrations()).isZero();
        assertThat(process.translate(address)).isEqualTo(target * PAGE).isNotEqualTo(oldPhysical);
        assertThat(entry(address) & 7).isEqualTo(7);
        assertThat(machine.metrics.get(Counter.MIGRATIONS)).isEqualTo(1);
        assertThat(process.isLocked(address)).isTrue();
        assertThat(read(address, PAGE)).isEqualTo(data);
    }

    @Test
    void touchingAPageUnderMigrationCompletesIt() {
        long address = process.mmapAnonymous(PAGE);
        byte[] data = fill(address, PAGE, 4);
        long inUse = kernel.framesInUse();
        assertThat(kernel.startMigration(process, address)).isTrue();
        assertThat(kernel.framesInUse()).isEqualTo(inUse + 1);
        assertThat(read(address, PAGE)).isEqualTo(data);
        assertThat(kernel.pendingMigrations()).isZero();
        assertThat(kernel.framesInUse()).isEqualTo(inUse);
        machine.scheduler.reached(SchedulingPoint.GUEST_READ, 1);
        assertThat(machine.metrics.get(Counter.MIGRATIONS)).isEqualTo(1);
    }

    @Test
    void phaseTwoWaitsForTheConfiguredDelay() {
        TestingMachine slow = new TestingMachine(GuestConfig.defaults().withMigrationDelayPoints(3), true);
        GuestKernel k = slow.boot(2, 512);
        GuestProcess p = k.startProcess("p");
        long address = p.mmapAnonymous(PAGE);
        p.writeMemory(address, new byte[] {9}, 0, 1);
        k.startMigration(p, address);
        slow.scheduler.reached(SchedulingPoint.GUEST_READ, 2);
        slow.scheduler.reached(SchedulingPoint.GUEST_READ, 2);
        assertThat(k.pendingMigrations()).isEqualTo(1);
        slow.scheduler.reached(SchedulingPoint.GUEST_READ, 2);
        assertThat(k.pendingMigrations()).isZero();
    }

    @Test
    void exitDuringAMigrationFreesBothFrames() {
        long before = kernel.framesInUse();
        GuestProcess other = kernel.startProcess("other");
        long address = other.mmapAnonymous(PAGE);
        other.writeMemory(address, new byte[] {1}, 0, 1);
        kernel.startMigration(other, address);
        other.exit();
        assertThat(kernel.pendingMigrations()).isZero();
        assertThat(kernel.framesInUse()).isEqualTo(before);
        machine.scheduler.reached(SchedulingPoint.GUEST_READ, 1);
        assertThat(kernel.framesInUse()).isEqualTo(before);
    }

    @Test
    void directReclaimSwapsWhenFramesRunOut() {
        TestingMachine small = new TestingMachine(GuestConfig.defaults().withSwapSlots(256), true);
        GuestKernel k = small.boot(2, 64);
        GuestProcess p = k.startProcess("big");
        long address = p.mmapAnonymous(100 * PAGE);
        byte[] data = new byte[100 * PAGE];
        new Random(7).nextBytes(data);
        p.writeMemory(address, data, 0, data.length);
        assertThat(small.metrics.get(Counter.SWAP_OUTS)).isPositive();
        byte[] back = new byte[data.length];
        p.readMemory(address, back, 0, back.length);
        assertThat(back).isEqualTo(data);
    }

    @Test
    void backgroundPressureIsAFunctionOfTheSeed() {
        assertThat(runUnderPressure(11)).isEqualTo(runUnderPressure(11));
        assertThat(runUnderPressure(11)).isNotEqualTo(runUnderPressure(12));
    }

    private String runUnderPressure(long seed) {
        TestingMachine m = new TestingMachine(GuestConfig.defaults().withSeed(seed), true);
        GuestKernel k = m.boot(3, 512);
        GuestProcess p = k.startProcess("p");
        long address = p.mmapAnonymous(32 * PAGE);
        byte[] data = new byte[32 * PAGE];
        new Random(1).nextBytes(data);
        p.writeMemory(address, data, 0, data.length);
        p.mlock(address, 4 * PAGE);
        k.setMemoryPressure(0.5, 2);
        k.setCompaction(0.3);
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            m.scheduler.reached(SchedulingPoint.GUEST_READ, 3);
            StringBuilder present = new StringBuilder();
            for (int page = 0; page < 32; page++) {
                present.append(p.translate(address + (long) page * PAGE) >= 0 ? '1' : '0');
            }
            log.append(present).append('\n');
        }
        for (int page = 0; page < 4; page++) {
            assertThat(p.isLocked(address + (long) page * PAGE)).isTrue();
        }
        byte[] back = new byte[data.length];
        p.readMemory(address, back, 0, back.length);
        assertThat(back).isEqualTo(data);
        assertThat(m.metrics.get(Counter.SWAP_OUTS)).isPositive();
        assertThat(m.metrics.get(Counter.MIGRATIONS)).isPositive();
        return log.toString();
    }

    // ---- the guest's own damage (found by the fuzzer's 1M run): no slot or frame is lost ----

    private long leafTableOf(long address) {
        return new PageTables(kernel.physicalMemory(), machine.format, TestingMachine.PAGE).leafEntryAddress(process.rootGfn(), address) / PAGE;
    }

    @Test
    void swapOutOfAPageWhoseFrameTheGuestGaveBackKeepsNoSlot() {
        long address = process.mmapAnonymous(PAGE);
        fill(address, PAGE, 21);
        long gfn = process.translate(address) / PAGE;
        machine.domain(1).decreaseReservation(gfn, 0);

        assertThat(errno(() -> kernel.swapOut(process, 1))).isEqualTo(XenErrno.EFAULT);

        assertThat(kernel.swapSlotsInUse()).as("the slot taken for it went back").isZero();
        assertThat(process.residentPages()).as("the page stays where it was").isEqualTo(1);
        assertThat(machine.metrics.get(Counter.SWAP_OUTS)).isZero();
        process.exit();
        assertThat(kernel.swapSlotsInUse()).isZero();
    }

    @Test
    void swapOutUnderALeafTableTheGuestGaveBackKeepsNoSlot() {
        long address = process.mmapAnonymous(PAGE);
        fill(address, PAGE, 22);
        long leafTable = leafTableOf(address);
        machine.domain(1).decreaseReservation(leafTable, 0);

        assertThat(errno(() -> kernel.swapOutPage(process, address))).isEqualTo(XenErrno.EFAULT);
        assertThat(kernel.swapSlotsInUse()).isZero();
        assertThat(process.residentPages()).isEqualTo(1);

        // With a frame back in the table's place the kernel's record still holds the bytes.
        machine.domain(1).populatePhysmap(leafTable, 0);
        assertThat(kernel.swapOutPage(process, address)).isTrue();
        assertThat(kernel.swapSlotsInUse()).isEqualTo(1);
        process.exit();
        assertThat(kernel.swapSlotsInUse()).as("teardown frees the slot from the kernel's record").isZero();
    }

    @Test
    void swapInUnderALeafTableTheGuestGaveBackLosesNoFrameAndTeardownFreesTheSlot() {
        long address = process.mmapAnonymous(PAGE);
        fill(address, PAGE, 23);
        assertThat(kernel.swapOutPage(process, address)).isTrue();
        KernelBlock block = kernel.kmalloc(8);
        machine.domain(1).decreaseReservation(leafTableOf(address), 0);
        long frames = kernel.framesInUse();

        // copy_from_user faults the page in from the kernel's record: the swap-in then fails
        // on writing the entry into the table frame that is gone.
        assertThat(errno(() -> process.copyFromUser(address, block, 0, 8))).isEqualTo(XenErrno.EFAULT);

        assertThat(kernel.framesInUse()).as("the frame taken for the swap-in went back").isEqualTo(frames);
        assertThat(kernel.swapSlotsInUse()).as("the page is still swapped out").isEqualTo(1);
        assertThat(process.swappedPages()).isEqualTo(1);
        process.exit();
        assertThat(kernel.swapSlotsInUse()).isZero();
    }
}
