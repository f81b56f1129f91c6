package org.xencommlab.api.xencomm;

/**
 * The buffer API of the mail for one user process: {@code alloc_buf} and its release. The arch's
 * guest half implements it; a user-space library (libxc-like) uses it.
 *
 * <p>An implementation must guarantee that {@link #freeBuf} undoes exactly what {@link #allocBuf}
 * did (unlocks, unregisters, unmaps) without disturbing another live buffer; that everything a
 * buffer holds is released when the process exits or is killed, unless a variant deliberately
 * disables that clean-up to show the leak; and that failures are
 * {@link org.xencommlab.api.errno.XenException}s with the errno the caller would see.
 */
public interface HypercallBufferApi {
    /** Maps {@code nrPages} pages and makes them reachable by the hypervisor. */
    HypercallBuffer allocBuf(int nrPages);

    /** Releases a buffer from {@link #allocBuf}. */
    void freeBuf(HypercallBuffer buffer);
}
