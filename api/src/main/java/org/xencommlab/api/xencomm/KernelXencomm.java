package org.xencommlab.api.xencomm;

import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The guest half of an arch backend for one guest kernel: made by
 * {@link GuestXencomm#attachKernel} when the kernel boots, asked for the references the kernel
 * passes for its own memory, the maker of one {@link ProcessXencomm} per process of that kernel,
 * and released once when the kernel shuts down. Whatever the backend keeps per kernel (ppc's
 * reserved device area, for example) lives here as typed fields; a process's state reaches it
 * through the typed link its kernel state gave it when it made it, never through a lookup.
 *
 * <p>An implementation must guarantee:
 * <ul>
 *   <li><b>creation:</b> {@link #attachProcess} is called by the kernel exactly once per process,
 *       before the process runs, with the kernel's memory lock held: it must only make the
 *       object (it may keep {@code process} but must call none of its methods nor any of the
 *       kernel's), and must not fail but for a bug;</li>
 *   <li><b>exactly-once release:</b> the kernel calls {@link #release} exactly once, when it
 *       shuts down, after every process of it was torn down (each process state released). After
 *       it, the state keeps no reference to a process and refuses new work with ESRCH;</li>
 *   <li><b>thread-safety:</b> processes of the kernel run concurrently, so every operation may
 *       be called from several threads at once and every mutable field is guarded;</li>
 *   <li>it uses the kernel only through the {@link org.xencommlab.api.kernel.KernelServices}
 *       it was made with, and the references it makes are resolved by the same backend's
 *       {@link DomainArchState} to exactly the bytes meant.</li>
 * </ul>
 */
public interface KernelXencomm {
    /**
     * A reference to {@code length} bytes at {@code offset} inside physically contiguous kernel
     * memory, passed the arch's native way (x86: the kernel virtual address; ppc: an inline
     * physical address).
     *
     * @throws org.xencommlab.api.errno.XenException EINVAL (or an {@link IllegalArgumentException})
     *     when the range is not inside {@code block}
     */
    MemoryReference kernelReference(KernelBlock block, int offset, int length);

    /**
     * How many blocks of kernel memory this state allocated through the kernel and holds for the
     * kernel's whole life (cvm's shared GHCB page and bounce pool, say), not counting blocks the
     * kernel itself passed to {@link #keepReachable}. A leak audit subtracts them from the kernel's
     * live blocks. An implementation must answer from its own records, change nothing, and be
     * safe from any thread. The default, 0, is right for a state that holds no kernel memory.
     */
    default int kernelBlocksHeld() {
        return 0;
    }

    /**
     * Makes {@code block}, which the kernel keeps for its whole life and names in many hypercalls
     * (a vCPU's argument pages, say), reachable by the hypervisor once and in place: afterwards
     * {@link #kernelReference} of any range of it names the block's own bytes, and
     * {@link #beforeKernelHypercall} moves nothing for it. The kernel calls it once per block,
     * right after allocating it and before writing anything into it (a backend may lose its
     * contents: a confidential VM's conversion to shared scrubs the pages), and never frees the
     * block afterwards.
     *
     * <p>An implementation must either make the whole block reachable or throw a
     * {@link org.xencommlab.api.errno.XenException}; after a throw the kernel must not use the
     * block for a hypercall, nor free it if the backend says its pages' state is unknown (the
     * backend counts such a leak). What it converts it counts as its own metrics, and holds for
     * the kernel's life (reserved, not leaked). The default does nothing: kernel memory the
     * hypervisor reaches as it is (x86's direct map, ppc's inline physical references).
     */
    default void keepReachable(KernelBlock block) {
    }

    /**
     * Called by the kernel right before it hands {@code block} to the hypervisor: a block of its
     * own memory ({@code kmalloc}'d, physically contiguous) that it named, in whole or in part,
     * with {@link #kernelReference} in the hypercall it is about to issue (its own calls' argument
     * arenas, and the copies privcmd makes of a tool's memory for a strategy). Returns what the
     * kernel runs once the hypercall returned, whatever it returned; the kernel runs it exactly
     * once, before it reads the block. A backend whose hypervisor cannot reach kernel memory as it
     * is (a confidential VM's private memory) copies the block to where its references point here,
     * and back in the returned action, so that the kernel reads what the hypervisor wrote.
     *
     * <p>An implementation must guarantee that it moves no byte outside {@code block} and the
     * memory its own references for the block name; that neither this method nor the action throws
     * for any guest data (the memory it copies was set aside by {@link #kernelReference}); that a
     * block it never named is left alone (an action that does nothing); and that it keeps the
     * kernel's memory lock rules ({@link org.xencommlab.api.kernel.KernelServices}). The default
     * does nothing: a backend whose references name the block itself needs no copy.
     */
    default Runnable beforeKernelHypercall(KernelBlock block) {
        return () -> {};
    }

    /**
     * Called by the kernel right before it frees ({@code kfree}s) {@code block}, a block it may
     * have named with {@link #kernelReference}: the backend gives back whatever it took for the
     * block (a bounce mapping, for example), so nothing outlives the block. The kernel calls it at
     * most once per block, after the last hypercall that named the block returned, and frees the
     * block whatever happens. An implementation must do nothing for a block it never saw and must
     * not throw. The default does nothing.
     */
    default void releaseKernelBlock(KernelBlock block) {}

    /**
     * Makes the backend's state for a new process of this kernel. Called by the kernel only,
     * exactly once per process (see the class comment for what it may do).
     */
    ProcessXencomm attachProcess(UserProcessServices process);

    /**
     * Releases the per-kernel state when the kernel shuts down; called exactly once, with no
     * process left. What the kernel reserved for its whole life and still holds as kernel memory
     * (a device area registered with the hypervisor) stays with the domain, as every other
     * kernel allocation does at shutdown, and is reclaimed when the hypervisor destroys the
     * domain ({@link DomainArchState#release}); the state itself forgets it and refuses new work.
     */
    void release();
}
