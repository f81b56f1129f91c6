package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.arch.cvm.testing.TestingCvm;
import org.xencommlab.arch.cvm.testing.TestingCvmProcess;

/**
 * A kernel's cvm state at its edges: a kernel reference to a whole block and to its empty ends (one
 * bounce mapping per block, however often it is named), what it holds for the kernel's life, a
 * GHCB page whose conversion fails (leaked, and the next boot makes another), conversions over
 * more than one batch (every batch done, the shared-page level moved both ways), a conversion that
 * finds the pool full, and the released flag. Each bounce mapping starts at its own slot's kernel
 * and physical address.
 */
final class TestCvmKernelStateEdges {
    private final TestingCvm machine = new TestingCvm(2048);
    private final CvmKernelState cvm = new CvmGuestXencomm(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 64)).attachKernel(machine.kernel);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        return null;
    }

    @Test
    void aKernelReferenceMayNameTheWholeBlockOrItsEmptyEndsThroughOneMapping() {
        KernelBlock block = machine.kernel.allocateContiguous(1);

        long whole = cvm.kernelReference(block, 0, 4096).value();
        BouncePool pool = cvm.pool();
        assertThat(whole).isEqualTo(pool.memory().physicalAddress());
        assertThat(cvm.kernelReference(block, 0, 0).value()).isEqualTo(whole);
        assertThat(cvm.kernelReference(block, 4096, 0).value()).isEqualTo(whole + 4096);
        assertThat(cvm.kernelReference(block, 100, 8).value()).isEqualTo(whole + 100);
        assertThat(pool.slotsInUse()).as("one mapping of two slots, made once").isEqualTo(2);

        for (int[] range : new int[][] {{1, 4096}, {4096, 1}, {-1, 0}, {0, -1}}) {
            assertThat(errnoOf(() -> cvm.kernelReference(block, range[0], range[1]))).as("%d+%d", range[0], range[1]).isEqualTo(XenErrno.EINVAL);
        }
        cvm.releaseKernelBlock(block);
        assertThat(pool.slotsInUse()).isZero();
    }

    @Test
    void eachBounceMappingStartsAtItsOwnSlot() {
        BouncePool pool = cvm.pool();
        BounceMapping first = pool.map(100);
        BounceMapping second = pool.map(3000);

        assertThat(second.firstSlot()).isEqualTo(1);
        assertThat(second.block().kernelAddress()).isEqualTo(pool.memory().kernelAddress() + CvmConfig.SLOT_BYTES);
        assertThat(second.physicalAddress()).isEqualTo(pool.memory().physicalAddress() + CvmConfig.SLOT_BYTES);
        assertThat(second.block().length()).isEqualTo(2L * CvmConfig.SLOT_BYTES);
        pool.unmap(first);
        pool.unmap(second);
    }

    @Test
    void theKernelHoldsTheGhcbPageAndThePoolOnceMade() {
        assertThat(cvm.kernelBlocksHeld()).isZero();
        cvm.pool();
        assertThat(cvm.kernelBlocksHeld()).isEqualTo(2);
        assertThat(cvm.kernel()).isSameAs(machine.kernel);
        assertThat(cvm.config().bouncePages()).isEqualTo(64);
    }

    @Test
    void aGhcbPageThatCannotBeSharedIsLeakedAndTheNextBootMakesAnother() {
        machine.hypercallOverride = (op, subOp) -> XenErrno.EIO.asResult();

        assertThat(errnoOf(cvm::pool)).isEqualTo(XenErrno.EIO);
        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isEqualTo(1);
        assertThat(cvm.kernelBlocksHeld()).isZero();

        machine.hypercallOverride = (op, subOp) -> subOp == PageStateChange.SUB_OP_PSC ? XenErrno.EIO.asResult() : 0;
        assertThat(errnoOf(cvm::pool)).isEqualTo(XenErrno.EIO);
        assertThat(cvm.kernelBlocksHeld()).as("the second GHCB page, no pool").isEqualTo(1);
        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).as("the first GHCB page and the pool").isEqualTo(1 + 64);
    }

    @Test
    void aConversionOfMoreThanOneBatchDoesEveryBatchAndMovesTheSharedLevelBothWays() {
        cvm.pool();
        long level = machine.metrics.current(CvmMetrics.SHARED_PAGES);
        long[] gfns = new long[300];
        for (int i = 0; i < gfns.length; i++) {
            gfns[i] = 1500 + i;
        }

        assertThat(cvm.convert(gfns, true)).isZero();
        assertThat(machine.pages.isShared(1500)).isTrue();
        assertThat(machine.pages.isShared(1799)).as("in the second batch").isTrue();
        assertThat(machine.metrics.current(CvmMetrics.SHARED_PAGES)).isEqualTo(level + 300);

        assertThat(cvm.convert(gfns, false)).isZero();
        assertThat(machine.pages.isShared(1799)).isFalse();
        assertThat(machine.metrics.current(CvmMetrics.SHARED_PAGES)).isEqualTo(level);
    }

    @Test
    void aConversionThatFindsThePoolFullIsEnomemAndChangesNothing() {
        BouncePool pool = cvm.pool();
        BounceMapping all = pool.map(CvmConfig.MAX_SLOTS_PER_MAPPING * CvmConfig.SLOT_BYTES);
        long level = machine.metrics.current(CvmMetrics.SHARED_PAGES);

        assertThat(cvm.convert(new long[] {1500}, true)).isEqualTo(XenErrno.ENOMEM.asResult());

        assertThat(machine.pages.isShared(1500)).isFalse();
        assertThat(machine.metrics.current(CvmMetrics.SHARED_PAGES)).isEqualTo(level);
        pool.unmap(all);
        assertThat(cvm.convert(new long[] {1500}, true)).isZero();
    }

    @Test
    void aReleasedKernelTakesNoNewProcess() {
        assertThat(cvm.isReleased()).isFalse();
        TestingCvmProcess process = machine.kernel.spawn();
        assertThat(cvm.attachProcess(process)).isNotNull();

        cvm.release();

        assertThat(cvm.isReleased()).isTrue();
        assertThat(errnoOf(() -> cvm.attachProcess(process))).isEqualTo(XenErrno.ESRCH);
    }

    @Test
    void aKernelBlockBouncesPageByPageAcrossPages() {
        KernelBlock block = machine.kernel.allocateContiguous(3);
        byte[] bytes = new byte[3 * 4096 - 5];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        machine.write(block.physicalAddress() + 5, bytes);
        long to = machine.kernel.allocateContiguous(4).physicalAddress() + 4000;

        cvm.bounce(block.physicalAddress() + 5, to, bytes.length);

        assertThat(machine.read(to, bytes.length)).isEqualTo(bytes);
        assertThat(machine.read(to - 1, 1)).containsExactly(0);
        assertThat(machine.read(to + bytes.length, 1)).containsExactly(0);
        byte[] back = new byte[bytes.length + 6];
        PhysicalCopy.read(machine.memory, to, back, 3, bytes.length);
        assertThat(java.util.Arrays.copyOfRange(back, 3, 3 + bytes.length)).isEqualTo(bytes);
        assertThat(back[0]).isZero();
        PhysicalCopy.write(machine.memory, to + 1, "xy".getBytes(StandardCharsets.US_ASCII), 0, 2);
        assertThat(new String(machine.read(to + 1, 2), StandardCharsets.US_ASCII)).isEqualTo("xy");
    }
}
