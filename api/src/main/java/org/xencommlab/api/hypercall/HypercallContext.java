package org.xencommlab.api.hypercall;

import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;

/**
 * What a hypercall handler (and an arch backend's hypervisor half) gets from the hypervisor for
 * one hypervisor entry: the calling domain and vCPU, guest access through the active arch, the Xen
 * heap, preemption and continuations. The arch's per-domain state is not reached through the
 * context: the hypervisor hands the calling domain's
 * {@link org.xencommlab.api.xencomm.DomainArchState} its own hypercalls directly.
 *
 * <p>The hypervisor guarantees that a context is used by one entry on one thread; it is not valid
 * after the entry returns.
 */
public interface HypercallContext {
    /** The calling domain. */
    int domid();

    /** The calling vCPU of that domain. */
    int vcpu();

    /** Whether the calling domain is privileged (dom0), as Xen's {@code is_control_domain}. */
    boolean isPrivileged();

    /** Copies between hypervisor memory and guest memory named by memory references. */
    GuestCopy guest();

    /** The calling domain's guest-physical memory (for reading guest structures by address). */
    GuestPhysicalMemory memory();

    /**
     * The calling vCPU's page-table base register (CR3 on x86): the guest-physical address of the
     * root page table the vCPU runs on now, as the guest kernel loaded it.
     */
    long pageTableBase();

    /** The Xen heap as seen by the calling domain: charges go to its quota. */
    XenHeapAccount heap();

    /**
     * Takes a reference on guest frame {@code gfn} of the calling domain so that it cannot be
     * freed or ballooned away until {@link #unpinFrame(long)}. Returns false (and takes nothing)
     * if the domain does not hold that frame as RAM.
     */
    boolean pinFrame(long gfn);

    /** Drops a reference taken by {@link #pinFrame(long)}. */
    void unpinFrame(long gfn);

    /** Whether the handler should stop at the next safe point and continue later. */
    boolean preemptionPending();

    /**
     * Arranges for the guest to re-issue hypercall {@code op} with {@code args} (the handler's
     * progress encoded in them, as Xen does), and returns the value the handler must return.
     */
    long createContinuation(long op, long... args);

    /** Counters of the run this hypervisor belongs to. */
    RunMetrics metrics();

    /** The run's event trace. */
    Trace trace();
}
