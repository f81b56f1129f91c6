package org.xencommlab.arch.cvm.counts;

/**
 * The cost defaults of the cvm backend, in one place, in nanoseconds. No vendor publishes these
 * figures; they are tunable guesses, and docs/cost-model.md says why each is what it is.
 *
 * <ul>
 *   <li>{@link #CONVERSION_CALL_NS}: one page-state change exit: a VMGEXIT (SNP) or TDVMCALL
 *       (TDX) round trip, world switch out of the encrypted guest and back, about twice a plain
 *       VM exit on current parts, so 2 µs.</li>
 *   <li>{@link #PAGE_CONVERSION_NS}: per page converted: the hypervisor's nested page-table
 *       update and the RMP (SNP) or Secure-EPT (TDX) update, a cache flush of the page (SNP
 *       must write back and invalidate lines held under the old key) and the guest's re-validation
 *       ({@code PVALIDATE} / {@code TDG.MEM.PAGE.ACCEPT}), plus a share of a TLB shootdown:
 *       3 µs a page.</li>
 *   <li>{@link #TLB_SHOOTDOWN_NS}: one TLB shootdown per conversion call, across the guest's
 *       vCPUs: 2 µs.</li>
 *   <li>{@link #BOUNCE_NS_PER_KIB}: a bounce copy runs at memory speed on private memory
 *       (encrypted on the way out), about 10 GB/s: 100 ns per KiB.</li>
 * </ul>
 */
public final class CvmCosts {
    public static final long CONVERSION_CALL_NS = 2_000;
    public static final long PAGE_CONVERSION_NS = 3_000;
    public static final long TLB_SHOOTDOWN_NS = 2_000;
    public static final long BOUNCE_NS_PER_KIB = 100;

    private CvmCosts() {}

    /** The guessed cost of what {@code counts} recorded. */
    public static long estimateNs(CvmCounts counts) {
        return counts.conversionCalls() * (CONVERSION_CALL_NS + TLB_SHOOTDOWN_NS)
                + counts.pagesConverted() * PAGE_CONVERSION_NS
                + counts.bytesBounced() * BOUNCE_NS_PER_KIB / 1024;
    }
}
