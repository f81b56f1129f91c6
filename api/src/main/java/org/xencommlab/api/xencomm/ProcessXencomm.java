package org.xencommlab.api.xencomm;

import org.xencommlab.api.abi.HandleSiteFinder;

/**
 * The guest half of an arch backend for one user process: made by
 * {@link KernelXencomm#attachProcess} when the process is created, used for the process's
 * buffers and hypercalls, and released once when the process exits or is killed. Whatever the
 * backend keeps per process (ppc's live registrations and device mappings, for example) lives
 * here as typed fields, reached by the kernel through the process, never through a map keyed by
 * process.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li><b>exactly-once release:</b> the kernel calls {@link #release} exactly once, at the
 *       process's teardown (exit or kill), after every clean-up the process registered with
 *       {@link org.xencommlab.api.kernel.UserProcessServices#atExit} has run and before its
 *       address space is destroyed: the process can still unpin pages and the kernel can still
 *       issue hypercalls for it, but it runs no more user code. {@code release} gives back
 *       everything the backend took from the kernel or the hypervisor for the process (unless a
 *       variant deliberately disables that clean-up to show the leak), and afterwards the state
 *       holds nothing and refuses new work with ESRCH;</li>
 *   <li><b>thread-safety:</b> the process's own thread uses it, and its release may run on the
 *       thread that kills it while a call of the process is still inside the kernel, so every
 *       mutable field is guarded;</li>
 *   <li>it uses the kernel only through {@link org.xencommlab.api.kernel.UserProcessServices}
 *       and {@link org.xencommlab.api.kernel.KernelServices}.</li>
 * </ul>
 */
public interface ProcessXencomm {
    /** The buffer API of the process (each call opens a new one, as each library handle does). */
    HypercallBufferApi openUserBuffers();

    /**
     * Called by the kernel's privcmd driver before it issues a hypercall of this process. A
     * backend whose hypervisor cannot use the references a tool wrote (ppc's descriptor mode) may
     * rewrite the arguments here, using {@code handles} to find every guest handle in them;
     * a backend that cannot handle hypercall {@code op} throws ENOSYS.
     *
     * <p>A backend must refuse a user's kernel-only references: a handle a tool wrote (at the top
     * level, or nested in a structure the finder reports, read from the tool's memory) that is a
     * reference of the kind {@link KernelXencomm#kernelReference} makes is refused with EPERM
     * (EFAULT when the tool's structure cannot be read), and for a call {@code handles} does not
     * know, so is any argument word that is one. Otherwise a tool could have the hypervisor read
     * or write the kernel's memory, since privcmd issues the call from kernel mode. The kernel
     * makes its own kernel references after this call, never through it. A refusal changes
     * nothing and counts nothing: privcmd counts the errno it returns.
     *
     * <p>The default passes the arguments through unchanged, and so refuses nothing: it keeps the
     * contract only for a backend whose kernel references the hypervisor refuses from a user's
     * call by itself. Every other backend must override it (x86 and ppc do). The test kit's
     * {@code ArchContract} checks it.
     */
    default PreparedHypercall prepareUserHypercall(int op, long[] args, HandleSiteFinder handles) {
        return PreparedHypercall.passThrough(args);
    }

    /** Releases the per-process state at the process's teardown; called exactly once, by the kernel only. */
    void release();
}
