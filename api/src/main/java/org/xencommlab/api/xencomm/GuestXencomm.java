package org.xencommlab.api.xencomm;

import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The guest half of an arch backend: how a guest makes memory reachable by the hypervisor.
 *
 * <p>An implementation must guarantee that the references it makes are resolved by the same
 * backend's {@link GuestHandleResolver} to exactly the bytes meant; that it uses the kernel only
 * through {@link KernelServices} and {@link UserProcessServices}; and that whatever it takes from
 * the kernel or the hypervisor for a process is given back when the process exits.
 */
public interface GuestXencomm {
    /** The buffer API for one user process. */
    HypercallBufferApi openUserBuffers(UserProcessServices process);

    /**
     * A reference to {@code length} bytes at {@code offset} inside physically contiguous kernel
     * memory, passed the arch's native way (x86: the kernel virtual address; ppc: an inline
     * physical address).
     */
    MemoryReference kernelReference(KernelServices kernel, KernelBlock block, int offset, int length);

    /**
     * Called by the kernel's privcmd driver before it issues a user process's hypercall. A
     * backend whose hypervisor cannot use the references a tool wrote (ppc's descriptor mode) may
     * rewrite the arguments here, using {@code handles} to find every guest handle in them;
     * a backend that cannot handle hypercall {@code op} throws ENOSYS.
     *
     * <p>A backend must refuse a user's kernel-only references: a handle a tool wrote (at the top
     * level, or nested in a structure the finder reports, read from the tool's memory) that is a
     * reference of the kind {@link #kernelReference} makes is refused with EPERM (EFAULT when the
     * tool's structure cannot be read), and for a call {@code handles} does not know, so is any
     * argument word that is one. Otherwise a tool could have the hypervisor read or write the
     * kernel's memory, since privcmd issues the call from kernel mode. The kernel makes its own
     * kernel references after this call, never through it. A refusal changes nothing and counts
     * nothing: privcmd counts the errno it returns.
     *
     * <p>The default passes the arguments through unchanged, and so refuses nothing: it keeps the
     * contract only for a backend whose kernel references the hypervisor refuses from a user's
     * call by itself. Every other backend must override it (x86 and ppc do). The test kit's
     * {@code ArchContract} checks it.
     */
    default PreparedHypercall prepareUserHypercall(
            UserProcessServices process, int op, long[] args, org.xencommlab.api.abi.HandleSiteFinder handles) {
        return PreparedHypercall.passThrough(args);
    }
}
