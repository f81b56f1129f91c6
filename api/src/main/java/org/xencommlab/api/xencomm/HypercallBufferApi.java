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
 *
 * <p>Error counts have one owner: every errno reaches the run's errors
 * ({@link org.xencommlab.api.metrics.RunMetrics#recordError}) exactly once, counted by whoever
 * raised it. A refusal the implementation makes itself (a bad size, its own device or table
 * full) it counts, once; one it passes on from the kernel (mlock's ENOMEM) or the hypervisor (a
 * registration's ENOSPC) was counted there and is not counted again, by it or by the library.
 */
public interface HypercallBufferApi {
    /** Maps {@code nrPages} pages and makes them reachable by the hypervisor. */
    HypercallBuffer allocBuf(int nrPages);

    /** Releases a buffer from {@link #allocBuf}. */
    void freeBuf(HypercallBuffer buffer);
}
