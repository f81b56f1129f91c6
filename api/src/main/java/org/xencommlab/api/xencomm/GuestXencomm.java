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
     * Called by the kernel right before it issues a hypercall whose memory is {@code block}, a
     * block of its own memory named with {@link #kernelReference}; returns what the kernel runs
     * once the hypercall returned, whatever it returned. A backend whose hypervisor cannot reach
     * kernel memory as it is (a confidential VM's private memory) copies the block to where its
     * references point and back; it must move no byte it was not asked to and never throw for
     * guest data. The default does nothing.
     */
    default Runnable beforeKernelHypercall(KernelServices kernel, KernelBlock block) {
        return () -> {};
    }

    /**
     * Called by the kernel before it frees a block it may have named with {@link #kernelReference}:
     * the backend releases whatever it took for the block. Called at most once per block; does
     * nothing for a block the backend never saw. The default does nothing.
     */
    default void releaseKernelBlock(KernelServices kernel, KernelBlock block) {}

    /**
     * Called by the kernel's privcmd driver before it issues a user process's hypercall. A
     * backend whose hypervisor cannot use the references a tool wrote (ppc's descriptor mode) may
     * rewrite the arguments here, using {@code handles} to find every guest handle in them;
     * a backend that cannot handle hypercall {@code op} throws ENOSYS. The default passes the
     * arguments through unchanged.
     */
    default PreparedHypercall prepareUserHypercall(
            UserProcessServices process, int op, long[] args, org.xencommlab.api.abi.HandleSiteFinder handles) {
        return PreparedHypercall.passThrough(args);
    }
}
