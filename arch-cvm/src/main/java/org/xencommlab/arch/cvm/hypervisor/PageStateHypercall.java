package org.xencommlab.arch.cvm.hypervisor;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;

/**
 * The handler of {@code arch_0}, the page-state change hypercall ({@link PageStateChange} gives the
 * layout and sub-ops).
 *
 * <p>Batched form: the hypervisor copies the header from the descriptor (which must lie in one
 * shared page), then does entries {@code cur_entry..end_entry} in order, each read once from guest
 * memory. Before each entry but the first it may be preempted: it writes {@code cur_entry} back and
 * continues later with the same arguments, so {@code cur_entry} is the continuation. An entry that
 * fails stops the request there with {@code cur_entry} naming it: EINVAL for a malformed entry,
 * EFAULT for a frame the domain does not hold; the entries before it stay done. A gfn that
 * leaves the domain's RAM (decrease_reservation) loses its state (see {@link SharedPages}), so a
 * frame populated there later is private until converted again.
 *
 * <p>Each frame that changes state is zeroed (its contents do not survive: under SNP or TDX they
 * would read as ciphertext under the other key) and counted. A frame already in the requested
 * state is left as it is. Every entry into the handler is one conversion call.
 *
 * <p>One handler per domain, bound to that domain's {@link SharedPages} by its
 * {@link CvmGuestHandleResolver.CvmDomainState}; after the domain's state is released every call is
 * -ESRCH and changes nothing. Counts go to the calling context's metrics ({@link CvmMetrics}).
 */
public final class PageStateHypercall implements HypercallHandler {
    private final SharedPages pages;

    /** The handler of the domain whose page states are {@code pages}. */
    public PageStateHypercall(SharedPages pages) {
        this.pages = requireNonNull(pages, "pages is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        if (pages.isReleased()) {
            return XenErrno.ESRCH.asResult();
        }
        long subOp = args.length > 0 ? args[0] : -1;
        try {
            if (subOp == PageStateChange.SUB_OP_PSC_MSR) {
                context.metrics().increment(CvmMetrics.CONVERSION_CALLS);
                long gfn = word(args, 1);
                long op = word(args, 2);
                if (op != PageStateChange.OP_PRIVATE && op != PageStateChange.OP_SHARED) {
                    throw new XenException(XenErrno.EINVAL, "page-state operation " + op);
                }
                convert(context, pages, gfn, op == PageStateChange.OP_SHARED);
                return 0;
            }
            if (subOp == PageStateChange.SUB_OP_PSC) {
                context.metrics().increment(CvmMetrics.CONVERSION_CALLS);
                return batch(context, pages, word(args, 1), args);
            }
            return XenErrno.ENOSYS.asResult();
        } catch (XenException e) {
            return e.asResult();
        }
    }

    private long batch(HypercallContext context, SharedPages pages, long gpa, long[] args) {
        MemoryReference ref = new MemoryReference(gpa);
        byte[] header = new byte[PageStateChange.HEADER_BYTES];
        if (gpa < 0 || context.guest().copyFromGuest(header, 0, ref, 0, header.length) != 0) {
            throw new XenException(XenErrno.EFAULT, "page-state change descriptor unreadable");
        }
        PageStateChange.PscHeader hdr = PageStateChange.parseHeader(header);
        int pageBytes = context.memory().pageSize().bytes();
        long end = (gpa & (pageBytes - 1)) + PageStateChange.HEADER_BYTES + (long) (hdr.endEntry() + 1) * PageStateChange.ENTRY_BYTES;
        if (end > pageBytes) {
            throw new XenException(XenErrno.EINVAL, "page-state change descriptor crosses a page");
        }
        byte[] word = new byte[PageStateChange.ENTRY_BYTES];
        for (int i = hdr.curEntry(); i <= hdr.endEntry(); i++) {
            if (i > hdr.curEntry() && context.preemptionPending()) {
                writeCurrent(context, ref, i);
                return context.createContinuation(PageStateChange.HYPERCALL, args.clone());
            }
            long at = PageStateChange.HEADER_BYTES + (long) i * PageStateChange.ENTRY_BYTES;
            try {
                if (context.guest().copyFromGuest(word, 0, ref, at, word.length) != 0) {
                    throw new XenException(XenErrno.EFAULT, "page-state change entry " + i + " unreadable");
                }
                PageStateChange.PscEntry entry = PageStateChange.parseEntry(LittleEndian.u64(word, 0));
                convert(context, pages, entry.gfn(), entry.toShared());
            } catch (XenException e) {
                writeCurrent(context, ref, i);
                throw e;
            }
        }
        writeCurrent(context, ref, hdr.endEntry() + 1);
        return 0;
    }

    /**
     * Converts one frame. The state is set only if no gfn left the domain's RAM since the check
     * that {@code gfn} is RAM (see {@link SharedPages}); otherwise the check is made again, so a
     * racing {@code decrease_reservation} can never leave a state behind for a gfn that is gone.
     * Each retry follows a completed removal, so the loop ends.
     */
    private void convert(HypercallContext context, SharedPages pages, long gfn, boolean toShared) {
        while (true) {
            long removalsSeen = pages.removals();
            if (gfn < 0 || !context.memory().isRam(gfn)) {
                throw new XenException(XenErrno.EFAULT, "gfn 0x" + Long.toHexString(gfn) + " is not RAM of domain " + context.domid());
            }
            if (pages.isShared(gfn) == toShared) {
                return;
            }
            int bytes = context.memory().pageSize().bytes();
            context.memory().zero(gfn * bytes, bytes);
            switch (pages.set(gfn, toShared, removalsSeen)) {
                case DONE -> {
                    context.metrics().increment(CvmMetrics.PAGES_CONVERTED);
                    return;
                }
                case RELEASED -> throw new XenException(XenErrno.ESRCH, "domain " + context.domid() + " is being destroyed");
                case STALE -> {
                    // a gfn left the RAM meanwhile: check again
                }
            }
        }
    }

    private static void writeCurrent(HypercallContext context, MemoryReference ref, int current) {
        byte[] cur = new byte[2];
        LittleEndian.putU16(cur, 0, current);
        context.guest().copyToGuest(ref, 0, cur, 0, cur.length);
    }

    private static long word(long[] args, int i) {
        return i < args.length ? args[i] : 0;
    }
}
