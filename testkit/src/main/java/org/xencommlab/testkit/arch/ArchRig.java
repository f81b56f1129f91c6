package org.xencommlab.testkit.arch;

import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * One domain with an arch backend under test wired on both halves, as an {@link ArchContract}
 * needs it: the backend's own guest half (its {@link KernelXencomm} and {@link ProcessXencomm}s) and
 * hypervisor half ({@link GuestHandleResolver} and its {@link DomainArchState}), a guest kernel
 * and its processes (the module's fakes, or the kit's), and a hypervisor entry whose
 * {@link HypercallContext#guest()} copies through the resolver under test, page piece by page
 * piece, as the hypervisor's {@code copy_from_guest} does.
 *
 * <p>A rig is made fresh for each contract check and used by one thread. Its kernel and processes
 * must keep the {@link KernelServices} and {@link UserProcessServices} contracts (the contract
 * checks the ones a backend leans on: {@code systemCall}, {@code atExit}, {@code cancelAtExit}).
 */
public interface ArchRig {
    /** The page-table format the backend binds. */
    PageTableFormat pageTableFormat();

    /**
     * The backend's guest half for the rig's kernel: the {@link KernelXencomm} the backend's
     * {@code GuestXencomm}, made for this rig's configuration, attached to {@link #kernel} (once).
     */
    KernelXencomm kernelXencomm();

    /**
     * The backend's state of {@code process}, a process {@link #startProcess} made: the
     * {@link ProcessXencomm} the kernel's state attached to it when it started (the same object
     * every time), released by {@link #exit}.
     */
    ProcessXencomm xencomm(UserProcessServices process);

    /** The backend's hypervisor half (its range check, {@code accessOk}, is asked of it). */
    GuestHandleResolver resolver();

    /** The state {@link #resolver} made for the rig's domain, the same state {@link #context} copies through. */
    DomainArchState domainState();

    /** The kernel of the rig's domain. */
    KernelServices kernel();

    /** The run's metrics, shared by the kernel, the backend and the hypervisor entry. */
    RunMetrics metrics();

    /** Starts a new user process of the rig's domain, alive, with room for a few buffers of a few pages. */
    UserProcessServices startProcess();

    /** Ends {@code process} as an exit or a kill does: its mappings go and its {@code atExit} clean-ups run, once, and then its backend state is released. */
    void exit(UserProcessServices process);

    /**
     * One hypervisor entry for a hypercall {@code caller} issued (through privcmd, on its vCPU, with
     * its page tables loaded): the context a handler gets.
     */
    HypercallContext context(UserProcessServices caller);

    /**
     * Blocks of kernel memory ({@code kmalloc} and contiguous) the rig's kernel has handed out and
     * not had back, or -1 when the rig's kernel cannot tell (the default). A rig whose kernel counts
     * them (the kit's {@code KitKernel.outstandingBlocks}) answers, and {@link ArchContract} then
     * also checks that a tool's buffers give every block back.
     */
    default int kernelBlocksInUse() {
        return -1;
    }
}
