package org.xencommlab.api.xencomm;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The hypervisor half of an arch backend for one domain: made by
 * {@link GuestHandleResolver#createDomainState} when the domain is created, used for every
 * reference a hypercall of that domain names, and released once when the domain is destroyed.
 * The hypervisor keeps it with the domain and hands it to nothing but that domain's hypercalls, so
 * an implementation reaches its own per-domain data (ppc's registration table, for example) as
 * typed fields: there is no lookup by type or by domid.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li><b>hostile input:</b> it treats every reference and every guest byte it reads as hostile:
 *       a forged, stale, foreign, misaligned or out-of-range reference is refused with a Xen errno
 *       (a {@link org.xencommlab.api.errno.XenException} from {@link #open} or {@link #advance},
 *       or a negative result from {@link GuestRegion#translate}), never with another exception,
 *       and changes no state; it never resolves to a frame the domain does not hold;</li>
 *   <li><b>thread-safety:</b> any number of hypercalls of the domain (one per vCPU, and the
 *       domain's destruction) may use it at once, so every mutable field is guarded;</li>
 *   <li><b>accounting:</b> every byte of it that lives on the Xen heap is charged to the domain's
 *       {@link org.xencommlab.api.hypercall.XenHeapAccount} (the one it was created with, or
 *       {@link HypercallContext#heap()}), and every frame it keeps is pinned with
 *       {@link HypercallContext#pinFrame}, so that the hypervisor's audit can recount them;</li>
 *   <li><b>exactly-once release:</b> {@link #release} gives back every pin and every heap charge
 *       the state still holds. The hypervisor calls it exactly once, after the domain stopped
 *       answering hypercalls; a call that is still running when the domain dies may see the
 *       state released and must then be refused with a Xen errno (ESRCH, or the errno of a
 *       reference that names nothing), never reach what the release gave back or throw anything
 *       else. After {@code release} the state holds nothing.</li>
 * </ul>
 */
public interface DomainArchState {
    /**
     * Opens {@code ref} for one copy of kind {@code access}.
     *
     * @throws org.xencommlab.api.errno.XenException when the reference is refused as a whole
     */
    GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access);

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
     * The handler of the arch's own hypercall {@code number} ({@code arch_N}, such as ppc's
     * registration hypercall) for this domain, bound to this state; {@code null} if the arch has
     * none by that number (the default). The hypervisor asks only for a number its own dispatch
     * table leaves empty, and then calls the handler with this domain's context. An
     * implementation must answer the same numbers for every domain of a run, and its handlers
     * follow {@link HypercallHandler}'s contract. A stateless {@code arch_N} handler may instead
     * be added to the hypervisor's {@code MapBinder<Integer, HypercallHandler>}.
     */
    default HypercallHandler hypercall(int number) {
        return null;
    }

    /**
     * Releases everything this domain's state holds (registrations, pinned frames, heap
     * charges) when the domain is destroyed: called exactly once, by the hypervisor only. It must
     * not throw for any state the domain's guests could have brought it into; if it does anyway,
     * the hypervisor counts a teardown failure and reclaims the domain's memory regardless.
     */
    void release(DomainTeardown teardown);
}
