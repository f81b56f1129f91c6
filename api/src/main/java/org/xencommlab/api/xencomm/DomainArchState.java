package org.xencommlab.api.xencomm;

import java.util.List;
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
     * The notice that guest frame {@code gfn} stopped being RAM of this domain while the domain
     * lives: its p2m entry was removed (today only by {@code decrease_reservation}, which includes
     * the hypervisor giving back an {@code increase_reservation} extent it could not report). The
     * machine frame behind it went back to the hypervisor; if the gfn is populated again later, it
     * is backed by another frame that has none of the old frame's state. The default does nothing,
     * right for a backend that keeps nothing per gfn (or re-checks the p2m wherever it uses what it
     * keeps).
     *
     * <p>The hypervisor gives the notice exactly once per removed gfn, after the p2m entry is gone
     * and while it still holds the domain's p2m lock exclusive: so no access of the domain reaches
     * the gfn between the removal and the notice, and the gfn cannot be populated again before
     * the notice returned. It does not give one for the frames freed by the domain's destruction
     * ({@link #release} covers those), nor for a gfn that was never RAM. A removal that was
     * already under way when the domain began dying may still give its notice, concurrently with
     * or after {@link #release}.
     *
     * <p>An implementation must forget whatever it keeps about {@code gfn} that belongs to the
     * frame (SEV-SNP and TDX reclaim a frame the host takes back: its RMP or Secure-EPT state is
     * reset, and a frame the host gives later is private until the guest converts it), so that
     * nothing it holds can resolve a reference into a gfn that is not RAM or give a new frame the
     * old one's state. A frame it pinned ({@link HypercallContext#pinFrame}) is never removed
     * (the removal is refused with EBUSY), so no notice names one. Because the domain's lock is
     * held, it must be quick and must not call back into the domain (no guest memory access, no
     * {@link HypercallContext#pinFrame}, no
     * {@link org.xencommlab.api.memory.GuestPhysicalMemory#isRam}: that would deadlock), must not
     * take a lock that it holds elsewhere while calling into the domain, and must not throw. After
     * {@link #release} it must do nothing.
     */
    default void gfnRemoved(long gfn) {}

    /**
     * The backend's own recount of what this state charged: each entry names one difference
     * between its running totals (heap bytes charged, frames pinned, live records) and a count
     * made afresh from its records; an empty list (the default, right for a backend that keeps no
     * accounts) means they agree. The hypervisor's {@code audit()} asks every live domain's state,
     * between hypercalls. An implementation must only read: asking changes nothing, and it is
     * safe from any thread.
     */
    default List<String> audit() {
        return List.of();
    }

    /**
     * Releases everything this domain's state holds (registrations, pinned frames, heap
     * charges) when the domain is destroyed: called exactly once, by the hypervisor only. It must
     * not throw for any state the domain's guests could have brought it into; if it does anyway,
     * the hypervisor counts a teardown failure and reclaims the domain's memory regardless.
     */
    void release(DomainTeardown teardown);
}
