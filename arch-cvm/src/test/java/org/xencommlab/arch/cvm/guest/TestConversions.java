package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.testing.TestingCvm;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;

/** The guest's conversions: the pool converted once at boot, shared buffers, and what a failed conversion leaks. */
final class TestConversions {
    private final TestingCvm machine = new TestingCvm(2048);
    private final CvmKernelState cvm = new CvmGuestXencomm(new CvmConfig(CvmConfig.BufferMode.SHARED, 300)).attachKernel(machine.kernel);
    private final List<Runnable> unmaps = new ArrayList<>();
    private final List<long[]> mapped = new ArrayList<>();
    /** When set, mapKernelFrames fails with it, as for a process killed during alloc_buf. */
    private XenException mapFailure;

    /** A process that only has a kernel and maps kernel frames; anything else is not for this test. */
    private UserProcessServices process() {
        return (UserProcessServices) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {UserProcessServices.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "kernel" -> machine.kernel;
                    case "pageSize" -> PageSize.SIZE_4K;
                    case "mapKernelFrames" -> {
                        if (mapFailure != null) {
                            throw mapFailure;
                        }
                        mapped.add((long[]) args[0]);
                        unmaps.add((Runnable) args[1]);
                        yield 0x4000_0000L;
                    }
                    case "munmap" -> {
                        unmaps.remove(0).run();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void thePoolIsConvertedOnceAtBootInBatchesOfAtMost253() {
        BouncePool pool = cvm.pool();

        assertThat(pool.slots()).isEqualTo(600);
        assertThat(machine.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(1 + 300);
        assertThat(machine.metrics.get(CvmMetrics.CONVERSION_CALLS)).as("the GHCB page, then 253 + 47").isEqualTo(3);
        long first = pool.memory().physicalAddress() >>> 12;
        for (long gfn = first; gfn < first + 300; gfn++) {
            assertThat(machine.pages.isShared(gfn)).isTrue();
        }
        assertThat(cvm.pool()).isSameAs(pool);
        assertThat(machine.metrics.get(CvmMetrics.CONVERSION_CALLS)).isEqualTo(3);
        assertThat(machine.metrics.current(CvmMetrics.SHARED_PAGES)).isEqualTo(301);
        assertThat(machine.metrics.reserved(CvmMetrics.SHARED_PAGES)).as("held for the kernel's life").isEqualTo(301);
    }

    @Test
    void aSharedBufferIsConvertedWhenMadeAndBackWhenFreedThenItsFramesAreFreed() {
        CvmBufferApi api = new CvmBufferApi(process(), cvm, true);
        HypercallBuffer buffer = api.allocBuf(3);
        long[] gfns = mapped.get(0);
        assertThat(java.util.Arrays.stream(gfns).allMatch(machine.pages::isShared)).isTrue();
        assertThat(api.sharedPhysical(buffer.userAddress() + 8, 100)).isEqualTo((gfns[0] << 12) + 8);
        assertThat(api.sharedPhysical(buffer.userAddress() + 3 * 4096 - 8, 100)).as("runs past the buffer").isEqualTo(-1);

        api.freeBuf(buffer);

        assertThat(java.util.Arrays.stream(gfns).noneMatch(machine.pages::isShared)).isTrue();
        assertThat(machine.kernel.freedContiguous).hasSize(1);
        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isZero();
        assertThat(api.sharedPhysical(buffer.userAddress() + 8, 100)).isEqualTo(-1);
        assertThatThrownBy(() -> api.freeBuf(buffer)).isInstanceOf(XenException.class);
    }

    @Test
    void aBufferWhoseMappingFailsIsConvertedBackAndFreedAtOnce() {
        cvm.pool();
        long shared = machine.metrics.current(CvmMetrics.SHARED_PAGES);
        mapFailure = new XenException(XenErrno.ESRCH, "killed");
        CvmBufferApi api = new CvmBufferApi(process(), cvm, true);

        assertThatThrownBy(() -> api.allocBuf(2))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));

        assertThat(machine.metrics.current(CvmMetrics.SHARED_PAGES)).as("converted back").isEqualTo(shared);
        assertThat(machine.pages.sharedCount()).isEqualTo((int) shared);
        assertThat(machine.kernel.freedContiguous).hasSize(1);
        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isZero();
    }

    @Test
    void aConversionToSharedThatFailsLeaksTheFramesAndNeverFreesThem() {
        cvm.pool();
        machine.hypercallOverride = (op, subOp) -> XenErrno.EINVAL.asResult();
        CvmBufferApi api = new CvmBufferApi(process(), cvm, true);

        assertThatThrownBy(() -> api.allocBuf(2))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL))
                .hasMessageContaining("leaked");

        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isEqualTo(2);
        assertThat(machine.kernel.freedContiguous).isEmpty();
        assertThat(mapped).isEmpty();
        assertThat(cvm.pool().slotsInUse()).as("the descriptor's slot came back").isZero();
    }

    @Test
    void aConversionBackToPrivateThatFailsLeaksTheFramesInsteadOfFreeingThem() {
        CvmBufferApi api = new CvmBufferApi(process(), cvm, true);
        HypercallBuffer buffer = api.allocBuf(2);
        machine.hypercallOverride = (op, subOp) -> XenErrno.EFAULT.asResult();

        api.freeBuf(buffer);

        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isEqualTo(2);
        assertThat(machine.kernel.freedContiguous).isEmpty();
    }

    @Test
    void aKernelBlockIsBouncedInBeforeTheCallAndOutAfterItThenUnmapped() {
        CvmKernelState kernelState = new CvmGuestXencomm(CvmConfig.defaults()).attachKernel(machine.kernel);
        KernelBlock block = machine.kernel.kmalloc(64);
        KernelBlock untouched = machine.kernel.kmalloc(64);
        byte[] request = "request".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        machine.write(block.physicalAddress(), request);

        long reference = kernelState.kernelReference(block, 8, 16).value();
        BouncePool pool = kernelState.pool();
        assertThat(reference).isEqualTo(pool.memory().physicalAddress() + 8);
        long copiedBefore = machine.metrics.get(org.xencommlab.api.metrics.Counter.KERNEL_COPY_BYTES);
        Runnable after = kernelState.beforeKernelHypercall(block);
        assertThat(machine.read(pool.memory().physicalAddress(), request.length)).isEqualTo(request);
        assertThat(machine.read(block.physicalAddress() + 8, 1)).containsOnly(0);
        machine.write(pool.memory().physicalAddress() + 8, new byte[] {42}); // what the hypervisor wrote
        after.run();
        assertThat(machine.read(block.physicalAddress() + 8, 1)).containsExactly(42);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isEqualTo(2L * block.length());
        assertThat(machine.metrics.get(org.xencommlab.api.metrics.Counter.KERNEL_COPY_BYTES) - copiedBefore)
                .as("each bounce is a kernel copy, priced by the copy bandwidth").isEqualTo(2L * block.length());
        assertThat(machine.metrics.current(CvmMetrics.POOL_SLOTS)).isEqualTo(pool.slotsInUse()).isPositive();

        kernelState.beforeKernelHypercall(untouched).run();
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).as("a block never named is left alone").isEqualTo(2L * block.length());

        kernelState.releaseKernelBlock(block);
        assertThat(pool.slotsInUse()).isZero();
        assertThat(machine.metrics.current(CvmMetrics.POOL_SLOTS)).isZero();
        kernelState.releaseKernelBlock(block);
        kernelState.releaseKernelBlock(untouched);
        assertThat(pool.slotsInUse()).isZero();
    }

    @Test
    void aBlockKeptReachableIsConvertedOnceAndNamedInPlaceWithNoBounce() {
        CvmKernelState kernelState = new CvmGuestXencomm(CvmConfig.defaults()).attachKernel(machine.kernel);
        KernelBlock pages = machine.kernel.kmalloc(2 * 4096);
        kernelState.pool();
        long conversions = machine.metrics.get(CvmMetrics.PAGES_CONVERTED);
        long reserved = machine.metrics.reserved(CvmMetrics.SHARED_PAGES);

        kernelState.keepReachable(pages);
        kernelState.keepReachable(pages);

        long first = pages.physicalAddress() >>> 12;
        assertThat(machine.pages.isShared(first)).isTrue();
        assertThat(machine.pages.isShared(first + 1)).isTrue();
        assertThat(machine.metrics.get(CvmMetrics.PAGES_CONVERTED) - conversions).as("once, however often asked").isEqualTo(2);
        assertThat(machine.metrics.reserved(CvmMetrics.SHARED_PAGES) - reserved).as("held for the kernel's life").isEqualTo(2);
        assertThat(kernelState.kernelReference(pages, 100, 50).value()).as("in place, not a bounce mapping")
                .isEqualTo(pages.physicalAddress() + 100);
        byte[] request = "in place".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        machine.write(pages.physicalAddress(), request);
        kernelState.beforeKernelHypercall(pages).run();
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isZero();
        assertThat(kernelState.pool().slotsInUse()).isZero();
        assertThat(machine.read(pages.physicalAddress(), request.length)).isEqualTo(request);
    }

    @Test
    void aBlockThatCannotBeKeptReachableIsLeakedWithAnErrno() {
        CvmKernelState kernelState = new CvmGuestXencomm(CvmConfig.defaults()).attachKernel(machine.kernel);
        KernelBlock pages = machine.kernel.kmalloc(2 * 4096);
        kernelState.pool();
        machine.hypercallOverride = (op, subOp) -> XenErrno.EINVAL.asResult();

        assertThatThrownBy(() -> kernelState.keepReachable(pages))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL))
                .hasMessageContaining("leaked");

        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isEqualTo(2);
        assertThat(kernelState.kernelReference(pages, 0, 8).value()).as("not named in place: it never became shared")
                .isNotEqualTo(pages.physicalAddress());
    }

    @Test
    void aPoolThatDoesNotFitIsEnomemAndARetryMakesNoSecondGhcbPage() {
        TestingCvm small = new TestingCvm(100);
        CvmKernelState tiny = new CvmGuestXencomm(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 300)).attachKernel(small.kernel);

        assertThatThrownBy(tiny::pool)
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM))
                .hasMessageContaining("no room for a bounce pool of 300 pages");
        assertThatThrownBy(tiny::pool).isInstanceOf(XenException.class);

        assertThat(small.metrics.get(CvmMetrics.CONVERSION_CALLS)).as("the GHCB page is shared once").isEqualTo(1);
        assertThat(small.metrics.get(CvmMetrics.PAGES_LEAKED)).isZero();
    }

    @Test
    void aPoolWhoseConversionFailsIsLeakedWhole() {
        machine.hypercallOverride = (op, subOp) -> subOp == 0 ? XenErrno.EFAULT.asResult() : 0;

        assertThatThrownBy(cvm::pool)
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT))
                .hasMessageContaining("its 300 pages are leaked");
        assertThat(machine.metrics.get(CvmMetrics.PAGES_LEAKED)).isEqualTo(300);
        assertThat(machine.kernel.freedContiguous).isEmpty();
    }
}
