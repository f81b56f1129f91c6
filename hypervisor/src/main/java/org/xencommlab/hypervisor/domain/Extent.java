package org.xencommlab.hypervisor.domain;

/**
 * An extent a domain was given by {@code increase_reservation}.
 *
 * @param gfn the first guest frame it was mapped at
 * @param mfns the machine frames, in gfn order
 */
public record Extent(long gfn, long[] mfns) {
    public Extent {
        mfns = mfns.clone();
    }

    @Override
    public long[] mfns() {
        return mfns.clone();
    }
}
