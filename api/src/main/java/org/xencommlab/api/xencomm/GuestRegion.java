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
}
