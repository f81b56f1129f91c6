package org.xencommlab.examples.cost;

import java.util.List;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;

/**
 * The cost events every configuration shares, pricing the core counters ({@link Counter#core()}):
 * their keys, defaults and where each default comes from (docs/SOURCES.md section 5 for the
 * measured ones; a stated estimate with its reasoning for the rest). Plugins add their own
 * ({@link org.xencommlab.api.plugin.ArchPlugin#costs()}); {@link MetricCatalog} puts them in order.
 *
 * <p>Every cost is in nanoseconds per event except {@link #COPY_BANDWIDTH}, which is a bandwidth in
 * gigabytes (10^9 bytes) per second, that is bytes per nanosecond.
 */
public final class CoreCosts {
    public static final CostDefinition HYPERVISOR_ENTRY = CostDefinition.nanosPerEvent("hypervisorEntryNanos",
            "one entry into the hypervisor and back", 500,
            "SOURCES.md s.5: a hypercall round trip costs about 1,200-2,000 cycles on x86 (published VM exit"
                    + " measurements, 2011-2020); 1,500 cycles at 3.0 GHz = 500 ns. Charged per entry, so each"
                    + " continuation pays a round trip too.",
            Counter.HYPERVISOR_ENTRIES);
    public static final CostDefinition CONTINUATION = CostDefinition.nanosPerEvent("continuationNanos",
            "saving a preempted hypercall's progress and dispatching it again", 100,
            "Estimate: beyond its re-entry (charged as a hypervisor entry), a continuation saves its progress in"
                    + " the argument registers (cmd = op | start << 6) and is dispatched again: about 300 cycles.",
            Counter.CONTINUATIONS);
    public static final CostDefinition GUEST_SYSCALL = CostDefinition.nanosPerEvent("guestSyscallNanos",
            "one guest system call's entry and exit", 170,
            "SOURCES.md s.5: a null system call takes about 0.17 us.", Counter.GUEST_SYSCALLS);
    public static final CostDefinition MLOCK_CALL = CostDefinition.nanosPerEvent("mlockCallNanos",
            "the fixed cost of one mlock call", 2_080,
            "SOURCES.md s.5: mlock+munlock of n pages takes about 4.5 us + 0.43 us per page; half of the fixed"
                    + " 4.5 us per call (2,250 ns) minus the 170 ns null system call already charged as a guest"
                    + " syscall.",
            Counter.MLOCK_CALLS);
    public static final CostDefinition MUNLOCK_CALL = CostDefinition.nanosPerEvent("munlockCallNanos",
            "the fixed cost of one munlock call", 2_080,
            "As mlockCallNanos: the other half of the measured mlock+munlock pair.", Counter.MUNLOCK_CALLS);
    public static final CostDefinition MLOCKED_PAGE = CostDefinition.nanosPerEvent("mlockedPageNanos",
            "one page named by an mlock call", 215,
            "SOURCES.md s.5: half of the 0.43 us per page of an mlock+munlock pair.", Counter.MLOCKED_PAGES);
    public static final CostDefinition MUNLOCKED_PAGE = CostDefinition.nanosPerEvent("munlockedPageNanos",
            "one page named by a munlock call", 215,
            "SOURCES.md s.5: the other half of the 0.43 us per page.", Counter.MUNLOCKED_PAGES);
    public static final CostDefinition TRANSLATION_STEP = CostDefinition.nanosPerEvent("translationStepNanos",
            "one page-table entry, descriptor entry or registration slot read", 20,
            "Estimate: one dependent load of a page-table entry, descriptor entry or registration slot; on a"
                    + " hot path it hits L2/L3 (about 15-60 cycles): 60 cycles at 3 GHz = 20 ns. A DRAM miss"
                    + " would cost 80-100 ns.",
            Counter.TRANSLATION_STEPS);
    public static final CostDefinition HYPERVISOR_FAULT = CostDefinition.nanosPerEvent("hypervisorFaultNanos",
            "one guest access the hypervisor could not complete", 330,
            "Estimate: an exception taken inside the hypervisor on a guest access and resolved by the"
                    + " exception fix-up table: about 1,000 cycles at 3 GHz.",
            Counter.HYPERVISOR_FAULTS);
    public static final CostDefinition PAGE_FAULT = CostDefinition.nanosPerEvent("pageFaultNanos",
            "one guest page fault", 1_000,
            "Estimate: a minor anonymous page fault on Linux including zeroing a 4 KiB page takes about"
                    + " 0.5-1.5 us single-threaded; a swap-in's device read is charged separately.",
            Counter.PAGE_FAULTS);
    public static final CostDefinition SWAP_OUT = CostDefinition.nanosPerEvent("swapOutNanos",
            "writing one page to swap", 5_000,
            "Estimate: writing a 4 KiB page to SSD-backed swap, amortised over batched writeback: about 5 us.",
            Counter.SWAP_OUTS);
    public static final CostDefinition SWAP_IN = CostDefinition.nanosPerEvent("swapInNanos",
            "reading one page back from swap", 20_000,
            "Estimate: a synchronous random 4 KiB read from an NVMe SSD takes 10-20 us; the upper end,"
                    + " fault path included.",
            Counter.SWAP_INS);
    public static final CostDefinition MIGRATION = CostDefinition.nanosPerEvent("migrationNanos",
            "moving one page during compaction", 2_000,
            "Estimate: compaction moves a page: unmap with a TLB shoot-down IPI (about 1 us on 2 CPUs), copy"
                    + " 4 KiB (about 0.4 us), remap.",
            Counter.MIGRATIONS);
    public static final CostDefinition RETRY = CostDefinition.nanosPerEvent("retryNanos",
            "a guest library's bookkeeping for one retry", 100,
            "Estimate: library bookkeeping only; the re-issued hypercall and any re-made buffer are charged"
                    + " through their own counts.",
            Counter.RETRIES);
    public static final CostDefinition EXTENT = CostDefinition.nanosPerEvent("extentNanos",
            "one memory_op extent done", 250,
            "Estimate: per memory_op extent Xen allocates or frees one page and updates the p2m, about 250 ns"
                    + " (scrubbing a freed 4 KiB page at 10 GB/s would add 0.4 us).",
            Counter.EXTENTS_DONE);
    public static final CostDefinition COPY_BANDWIDTH = new CostDefinition("copyGigabytesPerSecond",
            "the copy bandwidth every copied byte is divided by", CostDefinition.Unit.GIGABYTES_PER_SECOND, 10,
            "Should be measured on the machine modelled (docs/SOURCES.md s.5). Default: one core copying buffers of"
                    + " 64 KiB and more held in L2/L3 reaches about 10-20 GB/s on a current x86 server; 10 GB/s"
                    + " (10 bytes per ns) is the conservative end.",
            List.of(Counter.BYTES_TO_HYPERVISOR, Counter.BYTES_TO_GUEST, Counter.KERNEL_COPY_BYTES));

    private static final List<CostDefinition> ALL = List.of(HYPERVISOR_ENTRY, CONTINUATION, GUEST_SYSCALL, MLOCK_CALL,
            MUNLOCK_CALL, MLOCKED_PAGE, MUNLOCKED_PAGE, TRANSLATION_STEP, HYPERVISOR_FAULT, PAGE_FAULT, SWAP_OUT,
            SWAP_IN, MIGRATION, RETRY, EXTENT, COPY_BANDWIDTH);

    private CoreCosts() {}

    /** The core cost events, in declaration order. */
    public static List<CostDefinition> all() {
        return ALL;
    }
}
