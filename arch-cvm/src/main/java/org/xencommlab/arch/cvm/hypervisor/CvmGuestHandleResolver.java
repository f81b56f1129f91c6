package org.xencommlab.arch.cvm.hypervisor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.cvm.counts.CvmCounts;

/**
 * The hypervisor half of the cvm backend. A reference is a guest-physical address: the guest's page
 * tables are in private memory, so the hypervisor cannot walk them (as with SEV-SNP and TDX, it
 * sees guest-physical frames only). Each byte translates to itself if its frame is shared; a
 * private frame is refused with -EFAULT, counted as a private refusal (and a hypervisor fault),
 * and nothing is read or written. -EFAULT is what a real host gives: KVM's guest-memory copy
 * fails with -EFAULT for a frame the host has no mapping of (private memory lives in guest_memfd,
 * never in the host's mapping), and Xen's {@code copy_from_guest} reports uncopied bytes, which a
 * handler turns into -EFAULT.
 *
 * <p>Each translation is one lookup in the page-state table (one translation step). The
 * per-domain state is a {@link SharedPages}; nothing is charged to the Xen heap.
 */
public final class CvmGuestHandleResolver implements GuestHandleResolver {
    /** Guest-physical addresses have at most 52 bits (x86-64's architectural limit). */
    public static final int PHYSICAL_ADDRESS_BITS = 52;
    private static final long LIMIT = 1L << PHYSICAL_ADDRESS_BITS;

    private final CvmCounts counts;

    @Inject
    public CvmGuestHandleResolver(CvmCounts counts) {
        this.counts = requireNonNull(counts, "counts is null");
    }

    @Override
    public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
        SharedPages pages = context.archState(SharedPages.class);
        if (pages == null) {
            throw new XenException(XenErrno.EFAULT, "domain " + context.domid() + " has no page-state table");
        }
        long base = ref.value();
        int shift = context.memory().pageSize().shift();
        return offset -> {
            if (base < 0 || offset < 0 || offset >= LIMIT || base >= LIMIT - offset) {
                return XenErrno.EFAULT.asResult();
            }
            long gpa = base + offset;
            counts.translationStep();
            if (!pages.isShared(gpa >>> shift)) {
                counts.privateRefusal();
                return XenErrno.EFAULT.asResult();
            }
            return gpa;
        };
    }

    /** A range is acceptable if it lies below 2^52 and does not wrap. */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        long base = ref.value();
        if (base < 0 || offset < 0 || length < 0 || offset > LIMIT || length > LIMIT) {
            return false;
        }
        return base <= LIMIT - offset - length;
    }

    @Override
    public Object createDomainState(int domid, XenHeapAccount heap) {
        return new SharedPages();
    }
}
