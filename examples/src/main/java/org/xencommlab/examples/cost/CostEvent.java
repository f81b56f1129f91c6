package org.xencommlab.examples.cost;

import java.util.List;
import java.util.Optional;

/**
 * The events the cost model prices: the key a cost-model file uses, the report metrics it
 * multiplies, its default and where that default comes from (docs/SOURCES.md section 5 for the
 * measured ones; a stated estimate with its reasoning for the rest). Declaration order is the
 * order of the documentation table, of the report's {@code costModel.costs} and of the sum in
 * {@link CostModel#modelledNanos}.
 *
 * <p>Every cost is in nanoseconds per event except {@link #COPY_BANDWIDTH}, which is a bandwidth in
 * gigabytes (10^9 bytes) per second, that is bytes per nanosecond.
 */
public enum CostEvent {
    HYPERVISOR_ENTRY("hypervisorEntryNanos", List.of("hypervisorEntries"), 500,
            "SOURCES.md s.5: a hypercall round trip costs about 1,200-2,000 cycles on x86 (published VM exit"
                    + " measurements, 2011-2020); 1,500 cycles at 3.0 GHz = 500 ns. Charged per entry, so each"
                    + " continuation pays a round trip too."),
    CONTINUATION("continuationNanos", List.of("continuations"), 100,
            "Estimate: beyond its re-entry (charged as a hypervisor entry), a continuation saves its progress in"
                    + " the argument registers (cmd = op | start << 6) and is dispatched again: about 300 cycles."),
    GUEST_SYSCALL("guestSyscallNanos", List.of("guestSyscalls"), 170,
            "SOURCES.md s.5: a null system call takes about 0.17 us."),
    MLOCK_CALL("mlockCallNanos", List.of("mlockCalls"), 2_080,
            "SOURCES.md s.5: mlock+munlock of n pages takes about 4.5 us + 0.43 us per page; half of the fixed"
                    + " 4.5 us per call (2,250 ns) minus the 170 ns null system call already charged as a guest"
                    + " syscall."),
    MUNLOCK_CALL("munlockCallNanos", List.of("munlockCalls"), 2_080,
            "As mlockCallNanos: the other half of the measured mlock+munlock pair."),
    MLOCKED_PAGE("mlockedPageNanos", List.of("mlockedPages"), 215,
            "SOURCES.md s.5: half of the 0.43 us per page of an mlock+munlock pair."),
    MUNLOCKED_PAGE("munlockedPageNanos", List.of("munlockedPages"), 215,
            "SOURCES.md s.5: the other half of the 0.43 us per page."),
    TRANSLATION_STEP("translationStepNanos", List.of("translationSteps"), 20,
            "Estimate: one dependent load of a page-table entry, descriptor entry or registration slot; on a"
                    + " hot path it hits L2/L3 (about 15-60 cycles): 60 cycles at 3 GHz = 20 ns. A DRAM miss"
                    + " would cost 80-100 ns."),
    REGISTRATION("registrationNanos", List.of("registrations"), 300,
            "Estimate: on top of its hypercall and its per-page translation steps (both counted), a"
                    + " registration allocates a record from the Xen heap (about 100 ns) and inserts it in the"
                    + " domain's table."),
    UNREGISTRATION("unregistrationNanos", List.of("unregistrations"), 150,
            "Estimate: a table lookup and a free to the Xen heap, about half a registration."),
    DESCRIPTOR("descriptorNanos", List.of("descriptors"), 150,
            "Estimate: Linux's xencomm_map allocates a descriptor from the kernel heap and frees it after the"
                    + " call: an allocation and a free, about 150 ns."),
    DESCRIPTOR_ENTRY("descriptorEntryNanos", List.of("descriptorEntries"), 10,
            "Estimate: one virtual-to-physical lookup of a kernel address and one store, about 30 cycles."),
    HYPERVISOR_FAULT("hypervisorFaultNanos", List.of("hypervisorFaults"), 330,
            "Estimate: an exception taken inside the hypervisor on a guest access and resolved by the"
                    + " exception fix-up table: about 1,000 cycles at 3 GHz."),
    PAGE_FAULT("pageFaultNanos", List.of("pageFaults"), 1_000,
            "Estimate: a minor anonymous page fault on Linux including zeroing a 4 KiB page takes about"
                    + " 0.5-1.5 us single-threaded; a swap-in's device read is charged separately."),
    SWAP_OUT("swapOutNanos", List.of("swapOuts"), 5_000,
            "Estimate: writing a 4 KiB page to SSD-backed swap, amortised over batched writeback: about 5 us."),
    SWAP_IN("swapInNanos", List.of("swapIns"), 20_000,
            "Estimate: a synchronous random 4 KiB read from an NVMe SSD takes 10-20 us; the upper end,"
                    + " fault path included."),
    MIGRATION("migrationNanos", List.of("migrations"), 2_000,
            "Estimate: compaction moves a page: unmap with a TLB shoot-down IPI (about 1 us on 2 CPUs), copy"
                    + " 4 KiB (about 0.4 us), remap."),
    RETRY("retryNanos", List.of("retries"), 100,
            "Estimate: library bookkeeping only; the re-issued hypercall and any re-made buffer are charged"
                    + " through their own counts."),
    EXTENT("extentNanos", List.of("extentsDone"), 250,
            "Estimate: per memory_op extent Xen allocates or frees one page and updates the p2m, about 250 ns"
                    + " (scrubbing a freed 4 KiB page at 10 GB/s would add 0.4 us)."),
    COPY_BANDWIDTH("copyGigabytesPerSecond", List.of("bytesToHypervisor", "bytesToGuest", "kernelCopyBytes"), 10,
            "Should be measured on the machine modelled (docs/SOURCES.md s.5). Default: one core copying buffers of"
                    + " 64 KiB and more held in L2/L3 reaches about 10-20 GB/s on a current x86 server; 10 GB/s"
                    + " (10 bytes per ns) is the conservative end.");

    private final String key;
    private final List<String> metrics;
    private final double defaultValue;
    private final String source;

    CostEvent(String key, List<String> metrics, double defaultValue, String source) {
        this.key = key;
        this.metrics = metrics;
        this.defaultValue = defaultValue;
        this.source = source;
    }

    /** The key in a cost-model file and in the report's {@code costModel.costs}. */
    public String key() {
        return key;
    }

    /** The report metrics whose sum this event's cost multiplies (or divides, for a bandwidth). */
    public List<String> metrics() {
        return metrics;
    }

    public double defaultValue() {
        return defaultValue;
    }

    /** Where the default comes from. */
    public String source() {
        return source;
    }

    /** Whether the value is a bandwidth (bytes per ns, must be positive) rather than ns per event. */
    public boolean isBandwidth() {
        return this == COPY_BANDWIDTH;
    }

    /** The unit of the value, for tables. */
    public String unit() {
        return isBandwidth() ? "GB/s" : "ns";
    }

    /** What a value of this key may be, for error messages. */
    public String describeValid() {
        return isBandwidth() ? "a number greater than 0 (GB/s)" : "a number of nanoseconds, 0 or more";
    }

    /** Whether {@code value} is acceptable for this key. */
    public boolean accepts(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        return isBandwidth() ? value > 0 : value >= 0;
    }

    /** The event whose file key is {@code key}. */
    public static Optional<CostEvent> fromKey(String key) {
        for (CostEvent event : values()) {
            if (event.key.equals(key)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** Every valid key, comma-separated, for error messages. */
    public static String validKeys() {
        StringBuilder keys = new StringBuilder();
        for (CostEvent event : values()) {
            if (keys.length() > 0) {
                keys.append(", ");
            }
            keys.append(event.key);
        }
        return keys.toString();
    }
}
