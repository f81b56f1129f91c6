package org.xencommlab.api.xencomm;

/**
 * A buffer from the mail's {@code bufid = alloc_buf(nr_pages)}: user memory made reachable by the
 * hypervisor for as long as the buffer lives, by whatever the arch requires (mlock on x86,
 * registration on ppc, a device mapping).
 *
 * <p>An implementation must guarantee that every slice it hands out stays reachable by the
 * hypervisor, by the arch's rules, until the buffer is freed, and that slices never overlap.
 * The test kit's {@code ArchContract} checks every guarantee of this type.
 */
public interface HypercallBuffer {
    /** An identifier for traces (the bufid on ppc). */
    long id();

    int nrPages();

    /** The user address of the buffer's first byte. */
    long userAddress();

    /** Bytes the buffer holds in all. */
    long capacity();

    /**
     * The largest {@code nbytes} for which {@link #allocMem} succeeds now: {@code allocMem(n)}
     * succeeds for every {@code n <= remaining()} and is ENOSPC for every larger {@code n}. It
     * therefore counts only the bytes after the next slice's alignment, never the padding before
     * it; it is {@link #capacity()} after {@link #reset()}, and never negative.
     */
    long remaining();

    /**
     * The mail's {@code memref = alloc_mem(bufid, nr_bytes)}: a slice of {@code nbytes}, aligned
     * to 8 bytes, inside the buffer.
     *
     * <p>Its reference is linear in the offset: for every {@code k} in {@code [0, nbytes)},
     * {@code new MemoryReference(slice.reference().value() + k)} names byte {@code k} of the slice
     * (as the hypervisor sees it once {@link GuestXencomm#prepareUserHypercall} had its say). The
     * guest's pointer-form placement relies on it to name a field inside a placed piece.
     *
     * <p>A refusal changes nothing (the same call with a size that fits then succeeds as if the
     * refusal had not happened) and counts nothing: the caller that sees the ENOSPC (the user
     * library) counts it as an error of the run, once.
     *
     * @throws org.xencommlab.api.errno.XenException ENOSPC when {@code nbytes > remaining()} (the
     *     size had to be known up front: the mail's Problem #3)
     */
    BufferSlice allocMem(int nbytes);

    /** Forgets every slice so the buffer can be reused (the memory stays reachable). */
    void reset();
}
