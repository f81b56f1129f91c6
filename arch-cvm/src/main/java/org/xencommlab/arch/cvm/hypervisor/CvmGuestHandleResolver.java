package org.xencommlab.arch.cvm.hypervisor;

import jakarta.inject.Inject;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;

/**
 * The hypervisor half of the cvm backend. A reference is a guest-physical address: the guest's page
 * tables are in private memory, so the hypervisor cannot walk them (as with SEV-SNP and TDX, it
 * sees guest-physical frames only). Each byte translates to itself if its frame is RAM of the
 * domain and shared; a private frame, or a gfn that is not RAM, is refused with -EFAULT, counted
 * as a private refusal (and a hypervisor fault), and nothing is read or written. (A gfn given back
 * loses its shared state anyway, through {@link CvmDomainState#gfnRemoved}; the RAM check is
 * defence in depth.) -EFAULT is what a real host gives: KVM's guest-memory copy
 * fails with -EFAULT for a frame the host has no mapping of (private memory lives in guest_memfd,
 * never in the host's mapping), and Xen's {@code copy_from_guest} reports uncopied bytes, which a
 * handler turns into -EFAULT.
 *
 * <p>Each domain gets a {@link CvmDomainState} ({@link #createDomainState}): its page-state table
 * ({@link SharedPages}) and the {@code arch_0} page-state change handler bound to it
 * ({@link PageStateHypercall}). Each translation is a check that the gfn is RAM and one lookup in
 * that table (one translation step). Nothing is charged to the Xen heap (the table is hardware-owned memory on a real machine)
 * and nothing is pinned. The resolver itself keeps nothing per domain and is stateless.
 */
public final class CvmGuestHandleResolver implements GuestHandleResolver {
    /** Guest-physical addresses have at most 52 bits (x86-64's architectural limit). */
    public static final int PHYSICAL_ADDRESS_BITS = 52;
    private static final long LIMIT = 1L << PHYSICAL_ADDRESS_BITS;

    /** The resolver needs nothing: counts go to each hypercall's context. */
    @Inject
    public CvmGuestHandleResolver() {}

    /** A range is acceptable if it lies below 2^52 and does not wrap. */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        long base = ref.value();
        if (base < 0 || offset < 0 || length < 0 || offset > LIMIT || length > LIMIT) {
            return false;
        }
        return base <= LIMIT - offset - length;
    }

    /** A new state: every frame private, the page-state change handler bound to it. */
    @Override
    public CvmDomainState createDomainState(int domid, XenHeapAccount heap) {
        return new CvmDomainState(domid);
    }

    /**
     * The cvm backend's state of one domain: its page-state table and the {@code arch_0} handler
     * bound to it. Thread-safe (the table guards itself). After {@link #release} every reference
     * is refused with -ESRCH and {@code arch_0} is -ESRCH.
     */
    public static final class CvmDomainState implements DomainArchState {
        private final int domid;
        private final SharedPages pages = new SharedPages();
        private final PageStateHypercall pageStateChange = new PageStateHypercall(pages);

        CvmDomainState(int domid) {
            this.domid = domid;
        }

        /** The domain's page states. */
        public SharedPages pages() {
            return pages;
        }

        @Override
        public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
            if (pages.isReleased()) {
                throw new XenException(XenErrno.ESRCH, "domain " + domid + " is being destroyed");
            }
            long base = ref.value();
            int shift = context.memory().pageSize().shift();
            return offset -> {
                if (base < 0 || offset < 0 || offset >= LIMIT || base >= LIMIT - offset) {
                    return XenErrno.EFAULT.asResult();
                }
                long gpa = base + offset;
                long gfn = gpa >>> shift;
                context.metrics().increment(Counter.TRANSLATION_STEPS);
                // RAM first, then shared: a gfn given back loses its state right after its p2m
                // entry (gfnRemoved), so a gfn seen shared after it was seen RAM was not stale then.
                if (!context.memory().isRam(gfn) || !pages.isShared(gfn)) {
                    context.metrics().increment(CvmMetrics.PRIVATE_REFUSALS);
                    context.metrics().increment(Counter.HYPERVISOR_FAULTS);
                    return XenErrno.EFAULT.asResult();
                }
                return gpa;
            };
        }

        /** A guest-physical address advances by adding; one that would leave the 52 bits is -EFAULT. */
        @Override
        public MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
            long base = ref.value();
            if (bytes < 0 || base < 0 || base >= LIMIT || bytes > LIMIT - base) {
                throw new XenException(XenErrno.EFAULT, "guest-physical address 0x" + Long.toHexString(base) + " + " + bytes);
            }
            return new MemoryReference(base + bytes);
        }

        /** {@code arch_0}, the page-state change hypercall, on this domain's table. */
        @Override
        public HypercallHandler hypercall(int number) {
            return number == PageStateChange.HYPERCALL ? pageStateChange : null;
        }

        /**
         * Forgets {@code gfn}'s page state: the frame behind it went back to the hypervisor, which
         * on SNP and TDX reclaims it, and a frame populated there later is private until the guest
         * converts it. Nothing is counted (the conversion counters count the guest's requests).
         */
        @Override
        public void gfnRemoved(long gfn) {
            pages.forget(gfn);
        }

        /** Forgets every page state: nothing was pinned or charged, so nothing else goes back. */
        @Override
        public void release(DomainTeardown teardown) {
            pages.release();
        }
    }
}
