package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingWalker;

final class TestKernelMemory {
    private final TestingMachine machine = new TestingMachine();
    private final GuestKernel kernel = machine.boot(1, 1024);

    @Test
    void bootLoadsTheKernelRootIntoEveryVcpu() {
        assertThat(machine.pageTableBase(1, 0)).isEqualTo(kernel.kernelRootGfn() * 4096);
        assertThat(kernel.kernelTableFrames()).isEqualTo(2); // root + one table below it for the direct map
    }

    @Test
    void kmallocIsContiguousZeroedAndMappedInTheKernelHalf() {
        KernelBlock block = kernel.kmalloc(3 * 4096 + 100);
        assertThat(block.kernelAddress()).isEqualTo(TestingMachine.LAYOUT.kernelDirectMapBase() + block.physicalAddress());
        assertThat(block.physicalAddress() % 4096).isZero();
        byte[] bytes = new byte[4096];
        for (int page = 0; page < 4; page++) {
            long va = block.kernelAddress() + page * 4096L;
            long entry = TestingWalker.leafEntry(kernel.physicalMemory(), kernel.kernelRootGfn(), va);
            assertThat(entry & 7).as("present, writable, not user").isEqualTo(3);
            assertThat(TestingWalker.translate(kernel.physicalMemory(), kernel.kernelRootGfn(), va)).isEqualTo(block.physicalAddress() + page * 4096L);
            kernel.physicalMemory().read(block.physicalAddress() + page * 4096L, bytes, 0, 4096);
            assertThat(bytes).containsOnly(0);
        }
        kernel.kfree(block);
        assertThat(TestingWalker.leafEntry(kernel.physicalMemory(), kernel.kernelRootGfn(), block.kernelAddress()) & 1).isZero();
    }

    @Test
    void everyProcessSeesKernelMemoryMadeAfterItStarted() {
        GuestProcess process = kernel.startProcess("p");
        KernelBlock block = kernel.kmalloc(100);
        assertThat(TestingWalker.translate(kernel.physicalMemory(), process.rootGfn(), block.kernelAddress())).isEqualTo(block.physicalAddress());
    }

    @Test
    void smallBlocksShareSlabPagesAndAreZeroedOnReuse() {
        KernelBlock a = kernel.kmalloc(40);
        KernelBlock b = kernel.kmalloc(64);
        assertThat(b.physicalAddress() - a.physicalAddress()).isEqualTo(64);
        kernel.physicalMemory().write(a.physicalAddress(), new byte[] {1, 2, 3}, 0, 3);
        kernel.kfree(a);
        KernelBlock c = kernel.kmalloc(33);
        assertThat(c.physicalAddress()).isEqualTo(a.physicalAddress());
        byte[] read = new byte[3];
        kernel.physicalMemory().read(c.physicalAddress(), read, 0, 3);
        assertThat(read).containsOnly(0);
        long inUse = kernel.framesInUse();
        kernel.kfree(b);
        kernel.kfree(c);
        assertThat(kernel.framesInUse()).isEqualTo(inUse - 1);
        assertThat(kernel.kernelBlocksLive()).isZero();
    }

    @Test
    void badFreesAreEinvalAndChangeNothing() {
        KernelBlock block = kernel.kmalloc(100);
        KernelBlock contiguous = kernel.allocateContiguous(2);
        long inUse = kernel.framesInUse();
        assertThat(errno(() -> kernel.kfree(new KernelBlock(block.kernelAddress(), block.physicalAddress(), 99)))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> kernel.kfree(contiguous))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> kernel.freeContiguous(block))).isEqualTo(XenErrno.EINVAL);
        kernel.kfree(block);
        assertThat(errno(() -> kernel.kfree(block))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> kernel.kmalloc(0))).isEqualTo(XenErrno.EINVAL);
        assertThat(errno(() -> kernel.allocateContiguous(-1))).isEqualTo(XenErrno.EINVAL);
        assertThat(kernel.framesInUse()).isEqualTo(inUse - 1);
        kernel.freeContiguous(contiguous);
    }

    @Test
    void contiguousAllocationFailsWithEnomemWhenNoRunFits() {
        long before = kernel.framesInUse() - kernel.kernelTableFrames();
        assertThat(errno(() -> kernel.allocateContiguous(2000))).isEqualTo(XenErrno.ENOMEM);
        assertThat(kernel.framesInUse() - kernel.kernelTableFrames()).isEqualTo(before);
        KernelBlock block = kernel.allocateContiguous(16);
        assertThat(block.length()).isEqualTo(16 * 4096);
        kernel.freeContiguous(block);
        // the direct map keeps the lower tables it grew, as Linux does
        assertThat(kernel.framesInUse() - kernel.kernelTableFrames()).isEqualTo(before);
    }

    @Test
    void balloonTakesFreeFramesOutAndGivesThemBack() {
        long free = kernel.freeFrames();
        long[] gfns = kernel.frameAllocator().balloonOut(10);
        assertThat(gfns).hasSize(10).startsWith(1023);
        assertThat(kernel.freeFrames()).isEqualTo(free - 10);
        assertThat(errno(() -> kernel.frameAllocator().balloonIn(new long[] {gfns[0], gfns[0]}))).isEqualTo(XenErrno.EINVAL);
        kernel.frameAllocator().balloonIn(gfns);
        assertThat(kernel.freeFrames()).isEqualTo(free);
    }

    @Test
    void aKernelBootedWithRoomToGrowStartsWithItsUpperFramesBallooned() {
        machine.addDomain(2, 512);
        GuestKernel grown = machine.kernels.boot(2, 256, 512, machine.physicalMemory(2), GuestConfig.defaults());
        assertThat(grown.frameAllocator().balloonedFrames()).hasSize(256).startsWith(256);
    }

    @Test
    void hypercallFromKernelModeReturnsWhatTheHypervisorReturned() {
        assertThat(kernel.hypercall(17, 0)).isEqualTo(machine.gate.hypercall(1, 0, 17));
        assertThat(kernel.hypercall(99)).isEqualTo(XenErrno.ENOSYS.asResult());
    }

    static XenErrno errno(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    @Test
    void errnoHelperFailsWithoutAnError() {
        assertThatThrownBy(() -> errno(() -> {})).isInstanceOf(AssertionError.class);
    }
}
