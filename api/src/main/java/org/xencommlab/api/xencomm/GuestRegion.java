package org.xencommlab.api.xencomm;

/**
 * The guest memory one {@link org.xencommlab.api.memory.MemoryReference} names, opened for one
 * copy: the arch's translation from a byte offset to a guest-physical address.
 *
 * <p>The hypervisor asks {@link #translate(long)} for the first byte of each piece it copies, and
 * copies from the returned address at most to the end of that guest page; then it asks again. An
 * implementation must guarantee:
 * <ul>
 *   <li>the result is a guest-physical address (never negative), or a negative Xen errno
 *       (normally -EFAULT) when the byte is not reachable now;</li>
 *   <li>it never throws for any offset, including offsets past any bound, which are faults;</li>
 *   <li>everything the hypervisor needs to trust (a descriptor's header, a registration's page
 *       list) was copied and validated when the region was opened: translating reads guest
 *       memory only as the arch's mechanism really does (an x86 page walk reads page-table
 *       entries each time, and counts each read as a translation step).</li>
 * </ul>
 */
@FunctionalInterface
public interface GuestRegion {
    /**
     * The guest-physical address holding byte {@code offset} of this region, or a negative errno.
     *
     * @param offset a byte offset from the start of the region; any value
     */
    long translate(long offset);

    /**
     * Asks this region to keep the counts it owes the run's metrics (translation steps) to itself
     * from now on and add them in {@link #close()}, instead of one atomic update per
     * {@link #translate}. Only a caller that promises to call {@code close()} once after its last
     * translate, however the copy ends, may ask (the hypervisor's copy path does). Translations,
     * faults and traces stay exactly the same. The default ignores the request: the region keeps
     * counting as it goes, and {@code close()} has nothing to add.
     */
    default void deferCountsUntilClose() {}

    /**
     * Ends the copy: adds the counts kept back since {@link #deferCountsUntilClose()}, so that once
     * this returns every count is what one update per translate would have made it. Never throws;
     * the default does nothing.
     */
    default void close() {}
}
