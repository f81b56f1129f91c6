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
