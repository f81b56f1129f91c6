package org.xencommlab.api.xencomm;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The hypervisor half of an arch backend: how the hypervisor turns a {@link MemoryReference} from a
 * guest into guest-physical memory. On x86 it walks the calling vCPU's page tables; on ppc it
 * decodes {@code bufid | offset} against the domain's registrations, or walks a xencomm descriptor.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li>it treats every reference and every guest byte it reads as hostile: a forged, stale,
 *       foreign, misaligned or out-of-range reference is refused with a Xen errno (a
 *       {@link org.xencommlab.api.errno.XenException} from {@link #open}, or a negative result
 *       from {@link GuestRegion#translate}), never with another exception, and changes no state;</li>
 *   <li>it never resolves to a frame the calling domain does not hold;</li>
 *   <li>its per-domain state is thread-safe, and every byte of it that lives on the Xen heap is
 *       charged to the domain's {@link XenHeapAccount} and released when the state is destroyed,
 *       so that the charges can be recounted from the state itself;</li>
 *   <li>it depends on nothing outside the api: everything about the hypervisor comes through
 *       {@link HypercallContext}.</li>
 * </ul>
 */
public interface GuestHandleResolver {
    /**
     * Opens {@code ref} for one copy of kind {@code access}.
     *
     * @throws org.xencommlab.api.errno.XenException when the reference is refused as a whole
     */
    GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access);

    /**
     * Xen's {@code access_ok}/{@code guest_handle_okay}: whether the {@code length} bytes from
     * {@code offset} of {@code ref} form one range that does not wrap past the top of the address
     * space the reference lives in. The hypervisor asks before the first byte of every copy (and a
     * handler that copies a guest buffer in chunks asks once for the whole buffer), and refuses the
     * whole range with -EFAULT when the answer is {@code false}, so no prefix is ever copied.
     *
     * <p>An implementation must decide from the reference word alone: it reads no guest memory,
     * counts nothing and changes no state, and never throws. {@code true} promises nothing about
     * reachability (each byte is still translated). The default only refuses a negative offset or
     * length and an offset range that overflows; an arch whose references are addresses (a virtual
     * address, an inline physical address) must also refuse a range whose last byte's address wraps
     * around or leaves the address space.
     */
    default boolean accessOk(MemoryReference ref, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= Long.MAX_VALUE - length;
    }

    /**
     * Xen's {@code guest_handle_add_offset(ref, bytes)}, for a continuation that goes on where an
     * entry stopped (xen/common/multicall.c continues with the list advanced past the entries done,
     * xen/drivers/char/console.c with the buffer advanced past the bytes written): the reference
     * that names the memory {@code bytes} after the start of what {@code ref} names.
     *
     * <p>The default adds {@code bytes} to the reference, which is right for a backend whose
     * references are addresses (x86: a guest virtual address). A backend whose references are
     * not must override it; it may write guest memory (Xen's {@code xencomm_add_offset} rewrites
     * a xencomm descriptor in place and returns the same handle). An implementation must refuse a
     * reference it cannot advance with a Xen errno (the call then fails with it, and the work
     * done so far stays done), never produce a reference that names other memory than
     * {@code ref + bytes}, and never throw anything else.
     *
     * @param bytes how far to advance, at least 0
     */
    default MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
        return new MemoryReference(ref.value() + bytes);
    }

    /**
     * Makes the backend's per-domain hypervisor state when a domain is created (ppc's registration
     * table, for example), or {@code null} if the backend keeps none. Nothing may be charged to
     * {@code heap} that is not released by {@link #destroyDomainState}.
     */
    default Object createDomainState(int domid, XenHeapAccount heap) {
        return null;
    }

    /**
     * Releases everything a domain's state holds (registrations, pinned frames, heap charges) when
     * the domain is destroyed.
     */
    default void destroyDomainState(Object state, DomainTeardown teardown) {}

    /** What a backend may do while a domain's state is torn down. */
    interface DomainTeardown {
        /** Drops a frame reference taken with {@link HypercallContext#pinFrame(long)}. */
        void unpinFrame(long gfn);

        /** The domain's heap account, to release charges. */
        XenHeapAccount heap();
    }
}
