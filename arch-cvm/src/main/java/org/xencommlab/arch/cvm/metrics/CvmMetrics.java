package org.xencommlab.arch.cvm.metrics;

import java.util.List;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.MetricDefinition;

/**
 * The counts, levels and cost events only the cvm backend has. {@link org.xencommlab.arch.cvm.plugin.CvmArchPlugin}
 * declares them, so they appear in every report (table, JSON, CSV, HTML), the cost-model file and
 * the JSON schema whenever the plugin is loaded.
 *
 * <p>Who counts what, and what the core already counts for the same work (never counted twice):
 * <ul>
 *   <li>the hypervisor's page-state change handler counts {@link #CONVERSION_CALLS} (each entry,
 *       continuations included; the entry itself is also a core {@code hypervisorEntries}) and
 *       {@link #PAGES_CONVERTED};</li>
 *   <li>the hypervisor half counts {@link #PRIVATE_REFUSALS} (also a core
 *       {@code hypervisorFaults}) and each page-state lookup as a core {@code translationSteps};</li>
 *   <li>the guest half counts {@link #BYTES_BOUNCED} (every bounce copy is a kernel memcpy, also
 *       counted as core {@code kernelCopyBytes}, which the copy bandwidth prices, so bouncing has
 *       no cost of its own here), {@link #POOL_SLOTS}, {@link #SHARED_PAGES},
 *       {@link #PAGES_LEAKED} and {@link #POOL_FULL}.</li>
 * </ul>
 */
public final class CvmMetrics {
    public static final Counter PAGES_CONVERTED = Counter.define("cvmPagesConverted",
            "guest pages the hypervisor converted between private and shared", "pages");
    public static final Counter CONVERSION_CALLS = Counter.define("cvmConversionCalls",
            "page-state change hypercall entries (continuations included)", "calls");
    public static final Counter BYTES_BOUNCED = Counter.define("cvmBytesBounced",
            "bytes copied between private memory and the bounce pool, either way", "bytes");
    public static final Counter PRIVATE_REFUSALS = Counter.define("cvmPrivateRefusals",
            "hypervisor accesses refused because the page was private", "refusals");
    public static final Counter PAGES_LEAKED = Counter.define("cvmPagesLeaked",
            "pages whose conversion failed, so the guest never frees or reuses them", "pages");
    public static final Counter POOL_FULL = Counter.define("cvmPoolFullRefusals",
            "bounce mappings refused because the pool had no run of free slots long enough", "refusals");

    /** Bounce-pool slots in use: a call's mappings and the kernel's own blocks while they live. */
    public static final Gauge POOL_SLOTS = Gauge.define("cvmPoolSlots", "bounce-pool slots in use", "slots");
    /**
     * Guest pages the guest converted to shared and has not converted back. The GHCB page and the
     * bounce pool are shared for the kernel's whole life and marked reserved; a tool's shared
     * buffers come and go; a page whose conversion back failed stays and shows as leaked.
     */
    public static final Gauge SHARED_PAGES = Gauge.defineReservable("cvmSharedPages",
            "guest pages converted to shared by the guest", "pages");

    public static final CostDefinition GUEST_EXIT = CostDefinition.nanosPerEvent("cvmGuestExitNanos",
            "leaving and re-entering an encrypted guest for one page-state change, beyond a plain hypercall", 1_500,
            "Tunable guess: a VMGEXIT (SNP) or TDVMCALL (TDX) saves and restores the guest's protected state"
                    + " (VMSA or TD state) around the exit, about four times a plain VM exit's 500 ns; the plain"
                    + " entry is already priced by hypervisorEntryNanos, so 1,500 ns on top.",
            CONVERSION_CALLS);
    public static final CostDefinition TLB_SHOOTDOWN = CostDefinition.nanosPerEvent("cvmTlbShootdownNanos",
            "flushing the guest's translations of the converted pages on every CPU that may hold them", 2_000,
            "Tunable guess: one IPI round with acknowledgements across a few CPUs takes 1-3 us; one per"
                    + " conversion call, since a batch is flushed once.",
            CONVERSION_CALLS);
    public static final CostDefinition PAGE_TABLE_UPDATE = CostDefinition.nanosPerEvent("cvmPageTableUpdateNanos",
            "updating the nested page table and the RMP or Secure EPT for one page, and its re-validation", 1_500,
            "Tunable guess: RMPUPDATE (SNP) or a TDX-module call (TDX) plus the host's nested page-table"
                    + " entry, then the guest's PVALIDATE or TDG.MEM.PAGE.ACCEPT of the page: a few thousand"
                    + " cycles, 1.5 us.",
            PAGES_CONVERTED);
    public static final CostDefinition CACHE_FLUSH = CostDefinition.nanosPerEvent("cvmCacheFlushNanos",
            "writing back and invalidating one converted page's cache lines", 1_500,
            "Tunable guess: the page's lines must not survive under the old key, so its 64 lines are"
                    + " flushed (CLFLUSHOPT or the VM_PAGE_FLUSH MSR on SNP), and the page is zeroed under the"
                    + " new key: about 1.5 us a 4 KiB page.",
            PAGES_CONVERTED);

    private CvmMetrics() {}

    /** The counters and gauges cvm declares, in report order. */
    public static List<MetricDefinition> metrics() {
        return List.of(PAGES_CONVERTED, CONVERSION_CALLS, BYTES_BOUNCED, PRIVATE_REFUSALS, PAGES_LEAKED, POOL_FULL,
                POOL_SLOTS, SHARED_PAGES);
    }

    /** The cost events cvm declares, in cost-model order. */
    public static List<CostDefinition> costs() {
        return List.of(GUEST_EXIT, TLB_SHOOTDOWN, PAGE_TABLE_UPDATE, CACHE_FLUSH);
    }
}
