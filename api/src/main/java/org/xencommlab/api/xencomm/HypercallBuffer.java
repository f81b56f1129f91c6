package org.xencommlab.api.xencomm;

/**
 * A buffer from the mail's {@code bufid = alloc_buf(nr_pages)}: user memory made reachable by the
 * hypervisor for as long as the buffer lives, by whatever the arch requires (mlock on x86,
 * registration on ppc, a device mapping).
 *
 * <p>An implementation must guarantee that every slice it hands out stays reachable by the
 * hypervisor, by the arch's rules, until the buffer is freed, and that slices never overlap.
 */
public interface HypercallBuffer {
    /** An identifier for traces (the bufid on ppc). */
    long id();

    int nrPages();

    /** The user address of the buffer's first byte. */
    long userAddress();

    /** Bytes the buffer holds in all. */
    long capacity();

    /** Bytes not yet handed out by {@link #allocMem}. */
    long remaining();

    /**
     * The mail's {@code memref = alloc_mem(bufid, nr_bytes)}: a slice of {@code nbytes}, aligned
     * to 8 bytes.
     *
     * @throws org.xencommlab.api.errno.XenException ENOSPC when the buffer has not that much left
     *     (the size had to be known up front: the mail's Problem #3)
     */
    BufferSlice allocMem(int nbytes);

    /** Forgets every slice so the buffer can be reused (the memory stays reachable). */
    void reset();
}
