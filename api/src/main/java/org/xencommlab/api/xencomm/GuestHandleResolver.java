package org.xencommlab.api.xencomm;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The hypervisor half of an arch backend, one per run: how the hypervisor turns a
 * {@link MemoryReference} from a guest into guest-physical memory. It makes one
 * {@link DomainArchState} per domain ({@link #createDomainState}), which opens that domain's
 * references: on x86 by walking the calling vCPU's page tables; on ppc by decoding
 * {@code bufid | offset} against the domain's registrations, or by walking a xencomm descriptor.
 *
 * <p>Life cycle, as the hypervisor drives it: {@link #createDomainState} once per domain, while
 * the domain is created (before it can issue a hypercall); the state's operations for each of
 * that domain's hypercalls; {@link DomainArchState#release} exactly once, when the domain is
 * destroyed. A state is never shared between domains and never used after its release.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li>{@link #createDomainState} returns a new state, never {@code null}; when it fails (a
 *       {@link org.xencommlab.api.errno.XenException}, ENOMEM when the heap quota is short) it
 *       charged nothing and holds nothing, and the domain is not created;</li>
 *   <li>the resolver itself keeps no per-domain state (that is what {@link DomainArchState} is
 *       for) and is safe to call from any thread;</li>
 *   <li>{@link #accessOk} is decided from the reference word alone;</li>
 *   <li>it depends on nothing outside the api: everything about the hypervisor comes through
 *       {@link HypercallContext}, {@link XenHeapAccount} and {@link DomainTeardown}.</li>
 * </ul>
 */
public interface GuestHandleResolver {
    /**
     * Makes the backend's state for domain {@code domid} when the domain is created (ppc's
     * registration table, for example). Everything the state charges to {@code heap} must be
     * released by {@link DomainArchState#release}. Called once per domain, with the domain table
     * locked; it must not call back into the hypervisor.
     *
     * @throws org.xencommlab.api.errno.XenException when the state cannot be made (ENOMEM when
     *     the domain's heap quota cannot hold it), having charged nothing
     */
    DomainArchState createDomainState(int domid, XenHeapAccount heap);

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
}
