package org.xencommlab.arch.x86.hypervisor;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.arch.x86.testing.TestingHypercallContext;
import org.xencommlab.arch.x86.testing.TestingKernelServices;
import org.xencommlab.arch.x86.testing.TestingPageTables;

final class TestX86GuestHandleResolver {
    private static final long EFAULT = XenErrno.EFAULT.asResult();
    private static final long USER_VA = 0x0000_7f12_3456_7000L;
    private static final PageSize PAGE = PageSize.SIZE_4K;

    private RunMetrics metrics;
    private TestingTrace trace;
    private TestingGuestPhysicalMemory memory;
    private TestingKernelServices kernel;
    private TestingPageTables tables;
    private X86GuestHandleResolver resolver;
    private TestingHypercallContext context;

    @BeforeEach
    void boot() {
        metrics = new RunMetrics();
        trace = new TestingTrace();
        memory = new TestingGuestPhysicalMemory(1, PAGE, 1024);
        kernel = new TestingKernelServices(memory, metrics, trace);
        tables = new TestingPageTables(kernel);
        resolver = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);
        context = new TestingHypercallContext(memory, tables.root(), metrics, trace, resolver);
    }

    /**
     * x86 keeps nothing per domain: each domain's state is its own object, serves no hypercall of
     * its own, charges and pins nothing (the teardown is never called on), and a release leaves
     * its walks as they were (the page tables are the guest's).
     */
    @Test
    void domainStatesHoldNothingAndReleaseNothing() {
        var first = resolver.createDomainState(1, null);
        var second = resolver.createDomainState(2, null);
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        assertThat(first).isNotSameAs(second);
        assertThat(first.hypercall(org.xencommlab.api.hypercall.HypercallNumber.ARCH_0)).isNull();

        first.release(new org.xencommlab.api.xencomm.DomainTeardown() {
            @Override
            public void unpinFrame(long frame) {
                throw new AssertionError("x86 pins nothing");
            }

            @Override
            public org.xencommlab.api.hypercall.XenHeapAccount heap() {
                throw new AssertionError("x86 charges nothing");
            }
        });

        assertThat(second.open(context, new MemoryReference(USER_VA), GuestAccessKind.READ).translate(0)).isEqualTo(PAGE.addressOf(gfn));
    }

    private long translate(long ref, long offset, GuestAccessKind access) {
        return resolver.createDomainState(0, null).open(context, new MemoryReference(ref), access).translate(offset);
    }

    @Test
    void presentPageResolvesToItsFrameAndCountsFourSteps() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        GuestRegion region = resolver.createDomainState(0, null).open(context, new MemoryReference(USER_VA + 0x10), GuestAccessKind.WRITE);

        assertThat(region.translate(0)).isEqualTo(PAGE.addressOf(gfn) + 0x10);
        assertThat(region.translate(0xfef)).isEqualTo(PAGE.addressOf(gfn) + 0xfff);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(8);
    }

    @Test
    void aRegionAskedToDeferAddsItsStepsOnceAtCloseWithTheSameTotal() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        GuestRegion region = resolver.createDomainState(0, null).open(context, new MemoryReference(USER_VA), GuestAccessKind.READ);
        region.deferCountsUntilClose();

        assertThat(region.translate(0)).isEqualTo(PAGE.addressOf(gfn));
        assertThat(region.translate(0x800)).isEqualTo(PAGE.addressOf(gfn) + 0x800);
        // The next page is not mapped: the walk stops at the PT entry, after four reads.
        assertThat(region.translate(0x1000)).isEqualTo(EFAULT);
        assertThat(region.translate(-1)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isZero();
        assertThat(trace.events(TraceKind.FAULT)).hasSize(2);

        region.close();
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(4 + 4 + 4);
        region.close();
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(12);
    }

    @Test
    void eachPageOfARangeResolvesToItsOwnFrame() {
        long first = kernel.allocateFrame();
        long second = kernel.allocateFrame();
        tables.map(USER_VA, second, true, true);
        tables.map(USER_VA + 0x1000, first, true, true);
        GuestRegion region = resolver.createDomainState(0, null).open(context, new MemoryReference(USER_VA + 0xff0), GuestAccessKind.READ);

        assertThat(region.translate(0)).isEqualTo(PAGE.addressOf(second) + 0xff0);
        assertThat(region.translate(0x10)).isEqualTo(PAGE.addressOf(first));
        assertThat(region.translate(0x1010)).isEqualTo(EFAULT);
    }

    @Test
    void copyReadsWhatTheGuestWroteAcrossAPageBoundary() {
        long a = kernel.allocateFrame();
        long b = kernel.allocateFrame();
        tables.map(USER_VA, a, true, true);
        tables.map(USER_VA + 0x1000, b, true, true);
        byte[] message = "hello across a page".getBytes(StandardCharsets.US_ASCII);
        memory.write(PAGE.addressOf(a) + 0xff8, message, 0, 8);
        memory.write(PAGE.addressOf(b), message, 8, message.length - 8);

        byte[] got = new byte[message.length];
        assertThat(context.guest().copyFromGuest(got, 0, new MemoryReference(USER_VA + 0xff8), 0, got.length)).isZero();
        assertThat(got).isEqualTo(message);
    }

    @Test
    void notPresentLeafIsAFaultAfterFourSteps() {
        tables.setEntry(0, USER_VA, tables.format().notPresentEntry(77));

        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(4);
        assertThat(trace.events(TraceKind.FAULT)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("not present at level 0"));
    }

    @Test
    void missingUpperTableIsAFaultAtThatLevel() {
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(1);

        tables.map(USER_VA, kernel.allocateFrame(), true, true);
        tables.setEntry(1, USER_VA, 0); // the PD entry: no page table
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(1 + 3);
    }

    @Test
    void readOnlyPageCanBeReadButNotWritten() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, false, true);

        assertThat(translate(USER_VA, 8, GuestAccessKind.READ)).isEqualTo(PAGE.addressOf(gfn) + 8);
        assertThat(translate(USER_VA, 8, GuestAccessKind.WRITE)).isEqualTo(EFAULT);
        assertThat(context.guest().copyToGuest(new MemoryReference(USER_VA), 0, new byte[16], 0, 16)).isEqualTo(16);
        assertThat(memory.read8(gfn)).isZero();
    }

    @Test
    void readOnlyUpperLevelForbidsWritesBelowIt() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        long pdpt = tables.entry(3, USER_VA);
        tables.setEntry(3, USER_VA, pdpt & ~X86PageTableFormat.RW);

        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(PAGE.addressOf(gfn));
        assertThat(translate(USER_VA, 0, GuestAccessKind.WRITE)).isEqualTo(EFAULT);
    }

    @Test
    void nonCanonicalAddressesFaultWithoutReadingTables() {
        long lastUserPage = 0x7fff_ffff_f000L;
        tables.map(lastUserPage, kernel.allocateFrame(), true, true);
        long readsBefore = memory.wordReads();
        assertThat(translate(0x0000_8000_0000_0000L, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(translate(0xfff0_0000_0000_0000L, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(memory.wordReads()).isEqualTo(readsBefore);
        // A range that runs off the end of user space into the hole.
        assertThat(translate(lastUserPage, 0xfff, GuestAccessKind.READ)).isPositive();
        assertThat(translate(lastUserPage, 0x1000, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(4);
        assertThat(memory.wordReads()).isEqualTo(readsBefore + 4);
    }

    @Test
    void offsetsThatWrapOrAreNegativeFault() {
        long top = 0xffff_ffff_ffff_f000L;
        tables.map(top, kernel.allocateFrame(), true, false);
        assertThat(translate(top, 0xfff, GuestAccessKind.READ)).isPositive();
        assertThat(translate(top, 0x1000, GuestAccessKind.READ)).isEqualTo(EFAULT); // wraps to 0
        assertThat(translate(top, Long.MAX_VALUE, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(translate(USER_VA, -1, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(translate(USER_VA, Long.MIN_VALUE, GuestAccessKind.READ)).isEqualTo(EFAULT);
    }

    @Test
    void accessOkRefusesARangeThatWrapsOrCrossesTheHoleWithoutReadingAnything() {
        long readsBefore = memory.wordReads();
        assertThat(resolver.accessOk(new MemoryReference(0xffff_ffff_ffff_ff00L), 0, 0x100)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(0xffff_ffff_ffff_ff00L), 0, 0x200)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(0xffff_ffff_ffff_ff00L), 0x100, 1)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(0x0000_7fff_ffff_ff00L), 0, 0x100)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(0x0000_7fff_ffff_ff00L), 0, 0x101)).as("into the hole").isFalse();
        assertThat(resolver.accessOk(new MemoryReference(0x0000_8000_0000_0000L), 0, 0)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(0x0000_8000_0000_0000L), 0, 1)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(USER_VA), 0, Long.MAX_VALUE)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(USER_VA), -1, 1)).isFalse();
        assertThat(memory.wordReads()).isEqualTo(readsBefore);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isZero();
    }

    @Test
    void kernelDirectMapAddressesResolveLikeAnyOther() {
        long gfn = kernel.allocateFrame();
        long kernelVa = X86AddressSpace.LAYOUT.kernelAddressOf(PAGE.addressOf(gfn));
        tables.map(kernelVa, gfn, true, false);

        assertThat(translate(kernelVa, 0x123, GuestAccessKind.WRITE)).isEqualTo(PAGE.addressOf(gfn) + 0x123);
    }

    @Test
    void largePagesResolveWithTheirOffset() {
        X86PageTableFormat format = tables.format();
        long va2m = 0x0000_4000_0020_0000L;
        tables.setEntry(1, va2m, format.largePageEntry(1, 0x200, true, true));
        assertThat(translate(va2m, 0x1f_f123, GuestAccessKind.WRITE)).isEqualTo(0x200L * 4096 + 0x1f_f123);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(3);

        long va1g = 0x0000_5000_0000_0000L;
        tables.setEntry(2, va1g, format.largePageEntry(2, 0, false, true));
        assertThat(translate(va1g, 0x3f_f010, GuestAccessKind.READ)).isEqualTo(0x3f_f010L);
        assertThat(translate(va1g, 0x3f_f010, GuestAccessKind.WRITE)).isEqualTo(EFAULT);
        // 1 GiB reaches frames this 4 MiB domain does not hold.
        assertThat(translate(va1g, 0x40_0000, GuestAccessKind.READ)).isEqualTo(EFAULT);
    }

    @Test
    void reservedBitsInUpperEntriesAreAFaultAsTheHardwareGivesOne() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        long pml4e = tables.entry(3, USER_VA);
        tables.setEntry(3, USER_VA, pml4e | X86PageTableFormat.PSE); // PS is reserved in a PML4 entry
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(1);
        tables.setEntry(3, USER_VA, pml4e);
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(PAGE.addressOf(gfn));

        X86PageTableFormat format = tables.format();
        long va2m = 0x0000_4000_0020_0000L;
        // Bits 20..13 of a 2 MiB entry are reserved (bit 12 is PAT): not a frame to round away.
        tables.setEntry(1, va2m, format.largePageEntry(1, 0x200, true, true) | (1L << 13));
        assertThat(translate(va2m, 0x123, GuestAccessKind.READ)).isEqualTo(EFAULT);
        tables.setEntry(1, va2m, format.largePageEntry(1, 0x200, true, true) | (1L << 12));
        assertThat(translate(va2m, 0x123, GuestAccessKind.READ)).isEqualTo(0x200L * 4096 + 0x123);

        long va1g = 0x0000_5000_0000_0000L;
        tables.setEntry(2, va1g, format.largePageEntry(2, 0, true, true) | (1L << 29));
        assertThat(translate(va1g, 0x10, GuestAccessKind.READ)).isEqualTo(EFAULT);
    }

    @Test
    void pageTableInAFrameThatIsNotRamIsAFault() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        memory.removeRam(tables.tableFrame(0, USER_VA)); // the page table ballooned away
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(3);
    }

    @Test
    void entryPointingOutsideTheDomainIsAFault() {
        tables.map(USER_VA, X86PageTableFormat.MAX_FRAME, true, true);
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
        tables.map(USER_VA, 5000, true, true);
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);

        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        memory.removeRam(gfn);
        assertThat(translate(USER_VA, 0, GuestAccessKind.READ)).isEqualTo(EFAULT);
    }

    @Test
    void garbageInCr3IsMaskedAndAGarbageRootIsAFault() {
        long gfn = kernel.allocateFrame();
        tables.map(USER_VA, gfn, true, true);
        var flagged = new TestingHypercallContext(memory, tables.root() | 0x18 | (1L << 63), metrics, trace, resolver);
        assertThat(resolver.createDomainState(0, null).open(flagged, new MemoryReference(USER_VA), GuestAccessKind.READ).translate(0)).isEqualTo(PAGE.addressOf(gfn));

        var bogus = new TestingHypercallContext(memory, -1L, metrics, trace, resolver);
        assertThat(resolver.createDomainState(0, null).open(bogus, new MemoryReference(USER_VA), GuestAccessKind.READ).translate(0)).isEqualTo(EFAULT);
    }
}
