package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.testing.TestingMachine;

/** What a process reads is what it wrote, whatever the swapper, compaction and mlock do; exit leaves nothing. */
final class KernelProperties {
    private static final int PAGE = 4096;
    private static final int REGION_PAGES = 6;

    enum Kind { WRITE, READ, MLOCK, MUNLOCK, SWAP, COMPACT, MIGRATE_ONE, POINT, PIN_UNPIN, MUNMAP_REMAP }

    record Op(Kind kind, int region, int offset, int length, long seed) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, REGION_PAGES * PAGE - 1),
                        Arbitraries.integers().between(0, 3 * PAGE),
                        Arbitraries.longs())
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void userVisibleBytesAreExactlyWhatWasWritten(@ForAll("ops") List<Op> ops, @ForAll long seed) {
        TestingMachine machine = new TestingMachine(GuestConfig.defaults().withSeed(seed).withMlockLimitPages(8).withSwapSlots(32), true);
        GuestKernel kernel = machine.boot(1, 256);
        kernel.setMemoryPressure(0.2, 2);
        kernel.setCompaction(0.2);
        long baseline = kernel.framesInUse() - kernel.kernelTableFrames();
        GuestProcess process = kernel.startProcess("p");
        long[] regions = new long[3];
        byte[][] model = new byte[3][REGION_PAGES * PAGE];
        for (int r = 0; r < 3; r++) {
            regions[r] = process.mmapAnonymous(REGION_PAGES * PAGE);
        }
        for (Op op : ops) {
            long base = regions[op.region()];
            int length = Math.min(op.length(), REGION_PAGES * PAGE - op.offset());
            switch (op.kind()) {
                case WRITE -> {
                    byte[] data = new byte[length];
                    new Random(op.seed()).nextBytes(data);
                    process.writeMemory(base + op.offset(), data, 0, length);
                    System.arraycopy(data, 0, model[op.region()], op.offset(), length);
                }
                case READ -> {
                    byte[] data = new byte[length];
                    process.readMemory(base + op.offset(), data, 0, length);
                    for (int i = 0; i < length; i++) {
                        assertThat(data[i]).isEqualTo(model[op.region()][op.offset() + i]);
                    }
                }
                case MLOCK -> {
                    try {
                        process.mlock(base + op.offset(), length);
                    } catch (XenException e) {
                        assertThat(process.lockedPages()).isLessThanOrEqualTo(8);
                    }
                }
                case MUNLOCK -> process.munlock(base + op.offset(), length);
                case SWAP -> kernel.swapOut(process, 1 + (int) Math.floorMod(op.seed(), 8));
                case COMPACT -> kernel.compact(process);
                case MIGRATE_ONE -> kernel.startMigration(process, base + op.offset());
                case POINT -> machine.scheduler.reached(SchedulingPoint.GUEST_READ, 1);
                case PIN_UNPIN -> {
                    long page = (base + op.offset()) & ~(PAGE - 1L);
                    long[] gfns = process.pinUserPages(page, 1);
                    kernel.swapOutAll();
                    kernel.compact(process);
                    assertThat(process.translate(page)).isEqualTo(gfns[0] * PAGE);
                    process.unpinUserPages(gfns);
                }
                case MUNMAP_REMAP -> {
                    process.munmap(base, REGION_PAGES * PAGE);
                    regions[op.region()] = process.mmapAnonymous(REGION_PAGES * PAGE);
                    model[op.region()] = new byte[REGION_PAGES * PAGE];
                }
            }
            assertThat(process.lockedPages()).isLessThanOrEqualTo(8);
            assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isEqualTo(process.lockedPages());
        }
        for (int r = 0; r < 3; r++) {
            byte[] data = new byte[REGION_PAGES * PAGE];
            process.readMemory(regions[r], data, 0, data.length);
            assertThat(data).isEqualTo(model[r]);
        }
        process.exit();
        assertThat(kernel.framesInUse() - kernel.kernelTableFrames()).isEqualTo(baseline);
        assertThat(kernel.swapSlotsInUse()).isZero();
        assertThat(kernel.pendingMigrations()).isZero();
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
    }

    @Property(tries = 40)
    void exitLeavesTheFrameCountWhereItWas(@ForAll @Size(min = 1, max = 12) List<@net.jqwik.api.constraints.IntRange(min = 1, max = 20) Integer> sizes,
            @ForAll boolean kill) {
        TestingMachine machine = new TestingMachine();
        GuestKernel kernel = machine.boot(1, 512);
        long before = kernel.framesInUse() - kernel.kernelTableFrames();
        GuestProcess process = kernel.startProcess("p");
        for (int pages : sizes) {
            long address = process.mmapAnonymous((long) pages * PAGE);
            process.writeMemory(address + (pages - 1L) * PAGE, new byte[] {1}, 0, 1);
            if (pages % 3 == 0) {
                process.mlock(address, PAGE);
            }
            if (pages % 4 == 0) {
                kernel.swapOut(process, 1);
            }
            if (pages % 5 == 0) {
                kernel.startMigration(process, address + (pages - 1L) * PAGE);
            }
        }
        if (kill) {
            process.kill();
        } else {
            process.exit();
        }
        assertThat(process.framesInUse()).isZero();
        assertThat(kernel.framesInUse() - kernel.kernelTableFrames()).isEqualTo(before);
        assertThat(machine.metrics.current(Gauge.LOCKED_PAGES)).isZero();
    }
}
