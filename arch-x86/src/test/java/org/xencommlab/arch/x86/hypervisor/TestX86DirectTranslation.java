package org.xencommlab.arch.x86.hypervisor;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.arch.x86.testing.TestingHypercallContext;
import org.xencommlab.arch.x86.testing.TestingKernelServices;
import org.xencommlab.arch.x86.testing.TestingPageTables;

/**
 * The resolver's one-shot {@code translate} (no region opened): the same walk, its steps counted
 * straight into the run's metrics, -EFAULT for what the walk refuses.
 */
final class TestX86DirectTranslation {
    private static final long USER_VA = 0x0000_7f12_3456_7000L;
    private static final PageSize PAGE = PageSize.SIZE_4K;

    private final RunMetrics metrics = new RunMetrics();
    private final TestingTrace trace = new TestingTrace();
    private final TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(1, PAGE, 1024);
    private final TestingKernelServices kernel = new TestingKernelServices(memory, metrics, trace);
    private final TestingPageTables tables = new TestingPageTables(kernel);
    private final X86GuestHandleResolver resolver = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);
    private final TestingHypercallContext context = new TestingHypercallContext(memory, tables.root(), metrics, trace, resolver);

    @Test
    void translatesAndCountsFourStepsPerWalk() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        assertThat(resolver.translate(context, USER_VA, 0x123, false)).isEqualTo(PAGE.addressOf(gfn) + 0x123);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(4);
        assertThat(resolver.translate(context, USER_VA + 0x100, 0x10, true)).isEqualTo(PAGE.addressOf(gfn) + 0x110);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(8);
    }

    @Test
    void refusesWhatTheWalkRefusesAndCountsTheStepsTaken() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, false, true);
        assertThat(resolver.translate(context, USER_VA, 0, true)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(4);
        assertThat(resolver.translate(context, USER_VA, -1, false)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).as("no table read for a negative offset").isEqualTo(4);
    }

    @Test
    void namesItself() {
        assertThat(resolver).hasToString("x86 page walk");
    }
}
