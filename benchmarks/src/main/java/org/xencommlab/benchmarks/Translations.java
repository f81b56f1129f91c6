package org.xencommlab.benchmarks;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * {@link #BATCH} translations inside one hypervisor entry, each as a copy of one piece starts:
 * the calling domain's arch state opens a reference, then translates one byte offset of it to a guest-physical
 * address. Batching keeps the entry's own cost (a few hundred nanoseconds, measured by
 * {@link BenchmarkSmallHypercall}) to about one nanosecond per translation. The references are
 * visited in a fixed order that walks the whole set, {@code BATCH} per entry.
 */
final class Translations {
    /** Translations per hypervisor entry (the benchmarks' {@code @OperationsPerInvocation}). */
    static final int BATCH = 256;

    private final DomainArchState domain;
    private final MemoryReference[] refs;
    private final long[] offsets;
    private int cursor;
    /** Sum of the addresses of the last batch, so that no translation can be dropped. */
    private long sum;

    /**
     * @param refs the references to open; {@code refs.length} a multiple of {@link #BATCH}
     * @param offsets the byte offset to translate in each
     */
    Translations(DomainArchState domain, MemoryReference[] refs, long[] offsets) {
        if (refs.length == 0 || refs.length % BATCH != 0 || offsets.length != refs.length) {
            throw new IllegalArgumentException("refs and offsets must be the same positive multiple of " + BATCH);
        }
        this.domain = domain;
        this.refs = refs.clone();
        this.offsets = offsets.clone();
    }

    /** The probe's action: one batch; 0, or the first translation's errno. */
    long batch(HypercallContext context) {
        int start = cursor;
        long total = 0;
        for (int i = start; i < start + BATCH; i++) {
            GuestRegion region = domain.open(context, refs[i], GuestAccessKind.READ);
            long address = region.translate(offsets[i]);
            if (address < 0) {
                return address;
            }
            total += address;
        }
        cursor = start + BATCH == refs.length ? 0 : start + BATCH;
        sum = total;
        return 0;
    }

    long lastSum() {
        return sum;
    }
}
