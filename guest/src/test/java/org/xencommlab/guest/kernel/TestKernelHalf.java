package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.memory.SwapStore;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingWalker;

/** The kernel half on its own, over a page-reclaim part with no address space registered. */
final class TestKernelHalf {
    private static final int FRAMES = 256;

    private final TestingMachine machine = new TestingMachine();
    private final GuestPhysicalMemory memory = machine.addDomain(1, FRAMES);
    private final FrameAllocator frames = new FrameAllocator(FRAMES, FRAMES, 16);
    private final PageTables tables = new PageTables(memory, machine.format, TestingMachine.PAGE);
    private final PageReclaim reclaim = new PageReclaim(1, memory, frames, tables, new SwapStore(4, TestingMachine.PAGE.bytes()),
            machine.scheduler, machine.metrics, Trace.DISABLED);
    private final KernelHalf half = new KernelHalf(reclaim, frames, tables, TestingMachine.LAYOUT, memory, FRAMES);

    @Test
    void itsBootTablesAreItsOwnAndCounted() {
        assertThat(half.tableFrames()).as("the root and one table below it").isEqualTo(2);
        assertThat(frames.count(FrameUse.PAGE_TABLE)).isEqualTo(2);
    }

    @Test
    void kmallocMapsTheBlockInTheDirectMapAndKfreeUnmapsIt() {
        KernelBlock block = half.kmalloc(4096 + 8);

        assertThat(half.liveBlocks()).isEqualTo(1);
        assertThat(TestingWalker.leafEntry(memory, half.directMap().rootGfn(), block.kernelAddress()) & 1).as("present").isEqualTo(1);
        assertThat(TestingWalker.translate(memory, half.directMap().rootGfn(), block.kernelAddress())).isEqualTo(block.physicalAddress());

        half.kfree(block);

        assertThat(half.liveBlocks()).isZero();
        assertThat(TestingWalker.leafEntry(memory, half.directMap().rootGfn(), block.kernelAddress()) & 1).as("not present").isZero();
    }

    @Test
    void aProcessRootSeesKernelMemoryMadeLaterAndIsNotChargedToTheKernelHalf() {
        long charged = half.tableFrames();
        long root;
        synchronized (reclaim.lock()) {
            root = half.newProcessRoot();
        }
        assertThat(half.tableFrames()).as("the process's address space owns its root").isEqualTo(charged);
        assertThat(frames.useOf(root)).isEqualTo(FrameUse.PAGE_TABLE);

        KernelBlock block = half.allocateContiguous(2);

        assertThat(root).isNotEqualTo(half.directMap().rootGfn());
        assertThat(TestingWalker.translate(memory, root, block.kernelAddress() + 4096)).isEqualTo(block.physicalAddress() + 4096);
        half.freeContiguous(block);
        assertThat(half.liveBlocks()).isZero();
    }

    @Test
    void noFrameLeftMeansNoProcessRootAndNothingCharged() {
        while (frames.allocate(FrameUse.USER) >= 0) {
            // fill the domain: reclaim has no address space to take a page from
        }
        long charged = half.tableFrames();

        long root;
        synchronized (reclaim.lock()) {
            root = half.newProcessRoot();
        }

        assertThat(root).isEqualTo(-1);
        assertThat(half.tableFrames()).isEqualTo(charged);
    }
}
