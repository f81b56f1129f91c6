package org.xencommlab.arch.ppc.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The buffer API of one process on ppc. Besides {@code alloc_buf} and its release it offers
 * {@link #grow}: what a user library does when {@code alloc_mem} says ENOSPC (Problem #3).
 */
public abstract class PpcBufferApi implements HypercallBufferApi {
    final UserProcessServices process;

    PpcBufferApi(UserProcessServices process) {
        this.process = requireNonNull(process, "process is null");
    }

    /**
     * Replaces {@code buffer} by a larger one: allocates a buffer of at least {@code neededBytes}
     * and at least twice the pages, then frees the old one (its slices are gone; the caller
     * rebuilds its arguments), and counts one {@link Counter#RETRIES}. A library on the plain
     * {@link HypercallBufferApi} does the same with {@code allocBuf}, {@code freeBuf} and its own
     * count.
     *
     * @throws XenException E2BIG when no buffer can be that large, or whatever {@code allocBuf} throws
     */
    public HypercallBuffer grow(HypercallBuffer buffer, long neededBytes) {
        if (own(buffer, PpcBuffer.class).isFreed()) {
            throw new XenException(XenErrno.EINVAL, "grow of a freed buffer");
        }
        int pageBytes = process.pageSize().bytes();
        long pages = Math.max(2L * buffer.nrPages(), (neededBytes + pageBytes - 1) / pageBytes);
        pages = Math.min(pages, PpcMemref.MAX_BUFFER_PAGES);
        if (pages * pageBytes < neededBytes) {
            throw refused(XenErrno.E2BIG, neededBytes + " bytes exceed the largest buffer");
        }
        process.kernel().metrics().increment(Counter.RETRIES);
        HypercallBuffer larger = allocBuf((int) pages);
        freeBuf(buffer);
        return larger;
    }

    void checkPages(int nrPages) {
        if (nrPages < 1) {
            throw refused(XenErrno.EINVAL, "alloc_buf of " + nrPages + " pages");
        }
        if (nrPages > PpcMemref.MAX_BUFFER_PAGES) {
            throw refused(XenErrno.E2BIG, "alloc_buf of " + nrPages + " pages; at most " + PpcMemref.MAX_BUFFER_PAGES);
        }
    }

    /**
     * A refusal this API makes itself (not the kernel's, not the hypervisor's), counted here and
     * only here as an error of the run: {@code alloc_buf}'s errors have one owner, whoever raised
     * them ({@link org.xencommlab.api.xencomm.HypercallBufferApi#allocBuf}).
     */
    XenException refused(XenErrno errno, String message) {
        process.kernel().metrics().recordError(errno);
        return new XenException(errno, message);
    }

    /** The buffer as this process's, or EINVAL. */
    <T extends PpcBuffer> T own(HypercallBuffer buffer, Class<T> type) {
        if (!type.isInstance(buffer) || !type.cast(buffer).ownedBy(process)) {
            throw new XenException(XenErrno.EINVAL, "not a buffer of process " + process.pid());
        }
        return type.cast(buffer);
    }
}
