package org.xencommlab.arch.x86.hypervisor;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.arch.x86.testing.TestingHypercallContext;
import org.xencommlab.arch.x86.testing.TestingKernelServices;
import org.xencommlab.arch.x86.testing.TestingPageTables;

final class X86GuestHandleResolverProperties {
    private static final long EFAULT = XenErrno.EFAULT.asResult();
    private static final PageSize PAGE = PageSize.SIZE_4K;
    private static final int WINDOW_PAGES = 24;
    /** Windows at the interesting places: low user space, the top of user space, the direct map, the top of memory. */
    private static final List<Long> WINDOWS = List.of(
            0x0000_0000_0040_0000L,
            0x0000_8000_0000_0000L - WINDOW_PAGES / 2 * 4096L,
            X86AddressSpace.DIRECT_MAP_BASE + 0x10_0000L,
            0xffff_ffff_ffff_f000L - (WINDOW_PAGES - 1) * 4096L,
            0x0000_0000_001f_f000L);

    /** One page of the window: 0 unmapped, 1 not present (swapped), 2 read-only, 3 writable. */
    record Layout(long window, int[] states, long startPage, long offset, int length, boolean write) {}

    @Provide
    Arbitrary<Layout> layouts() {
        Arbitrary<Long> window = Arbitraries.of(WINDOWS);
        Arbitrary<int[]> states = Arbitraries.integers().between(0, 3).array(int[].class).ofSize(WINDOW_PAGES);
        Arbitrary<Long> startPage = Arbitraries.longs().between(-2, WINDOW_PAGES + 1);
        Arbitrary<Long> offset = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 4 * 4096L),
                Arbitraries.longs().between(-8192, -1),
                Arbitraries.longs());
        Arbitrary<Integer> length = Arbitraries.integers().between(0, WINDOW_PAGES * 4096);
        return Combinators.combine(window, states, startPage, offset, length, Arbitraries.of(true, false))
                .as((w, s, p, o, l, wr) -> new Layout(w, s, p, o, l, wr));
    }

    @Property(tries = 200)
    void everyPieceTranslatesAsTheModelSaysOrFaults(@ForAll("layouts") Layout layout) {
        RunMetrics metrics = new RunMetrics();
        TestingTrace trace = new TestingTrace();
        TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(2, PAGE, 512);
        TestingKernelServices kernel = new TestingKernelServices(memory, metrics, trace);
        TestingPageTables tables = new TestingPageTables(kernel);
        X86PageTableFormat format = tables.format();
        long[] gfnOf = new long[WINDOW_PAGES];
        for (int i = 0; i < WINDOW_PAGES; i++) {
            long va = layout.window() + (long) i * 4096;
            switch (layout.states()[i]) {
                case 1 -> tables.setEntry(0, va, format.notPresentEntry(1000 + i));
                case 2, 3 -> {
                    gfnOf[i] = kernel.allocateFrame();
                    tables.map(va, gfnOf[i], layout.states()[i] == 3, true);
                }
                default -> { }
            }
        }
        X86GuestHandleResolver resolver = new X86GuestHandleResolver(format, X86AddressSpace.LAYOUT);
        TestingHypercallContext context = new TestingHypercallContext(memory, tables.root(), metrics, trace, resolver);
        long ref = layout.window() + layout.startPage() * 4096 + 0x18;
        GuestRegion region = resolver.createDomainState(0, null).open(context, new MemoryReference(ref),
                layout.write() ? GuestAccessKind.WRITE : GuestAccessKind.READ);

        long done = 0;
        do {
            long offset = layout.offset() + done;
            long got = region.translate(offset);
            long expected = model(layout, gfnOf, ref, offset);
            assertThat(got).as("ref 0x%x offset 0x%x", ref, offset).isEqualTo(expected);
            if (got < 0) {
                break;
            }
            done += PAGE.bytesToPageEnd(got);
        } while (done < layout.length());
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isBetween(0L, 4L * (WINDOW_PAGES + 2));
    }

    /** The independent model: the window's page states, with the address-space rules. */
    private static long model(Layout layout, long[] gfnOf, long ref, long offset) {
        if (offset < 0) {
            return EFAULT;
        }
        long va = ref + offset;
        if (Long.compareUnsigned(va, ref) < 0 || ((va << 16) >> 16) != va) {
            return EFAULT;
        }
        long page = (va - layout.window()) >> 12;
        if (Long.compareUnsigned(va, layout.window()) < 0 || page >= WINDOW_PAGES) {
            return EFAULT;
        }
        int state = layout.states()[(int) page];
        if (state < 2 || (layout.write() && state != 3)) {
            return EFAULT;
        }
        return gfnOf[(int) page] * 4096 + (va & 0xfff);
    }

    @Property(tries = 150)
    void garbageTablesNeverThrowAndNeverLeaveTheDomain(@ForAll long seed, @ForAll long ref, @ForAll long offset,
            @ForAll @IntRange(min = 0, max = 3) int flavour) {
        RunMetrics metrics = new RunMetrics();
        TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(3, PAGE, 64);
        Random random = new Random(seed);
        // Every frame of this small domain is full of entries: random words, or words aimed at its own frames.
        for (long gfn = 0; gfn < 64; gfn++) {
            for (int i = 0; i < 512; i++) {
                long word = switch (flavour) {
                    case 0 -> random.nextLong();
                    case 1 -> ((random.nextInt(80) & 0xffL) << 12) | (random.nextLong() & 0x87);
                    default -> ((random.nextInt(64) & 0xffL) << 12) | 0x7 | (random.nextBoolean() ? 0x80 : 0);
                };
                memory.writeLong(gfn * 4096 + i * 8L, word, ByteOrder.LITTLE_ENDIAN);
            }
        }
        memory.removeRam(random.nextInt(64));
        X86GuestHandleResolver resolver = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);
        TestingHypercallContext context = new TestingHypercallContext(memory, random.nextInt(64) * 4096L, metrics, new TestingTrace(), resolver);
        long refNear = flavour == 3 ? (ref & 0x0000_0000_3fff_ffffL) : ref;
        for (GuestAccessKind access : GuestAccessKind.values()) {
            GuestRegion region = resolver.createDomainState(0, null).open(context, new MemoryReference(refNear), access);
            for (long o : new long[] {offset, 0, offset & 0xffff, 4096}) {
                long got = region.translate(o);
                assertThat(got == EFAULT || (got >= 0 && memory.isRam(got >>> 12)))
                        .as("translate(0x%x + 0x%x) = %d", refNear, o, got).isTrue();
            }
        }
    }
}
