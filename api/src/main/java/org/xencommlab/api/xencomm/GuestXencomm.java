package org.xencommlab.api.xencomm;

import org.xencommlab.api.kernel.KernelServices;

/**
 * The guest half of an arch backend, one per run: how a guest makes memory reachable by the
 * hypervisor. It holds the run's configuration only; what it keeps per kernel and per process
 * lives in the typed states it makes: one {@link KernelXencomm} per kernel
 * ({@link #attachKernel}, at boot), which makes one {@link ProcessXencomm} per process of that
 * kernel. The kernel releases each exactly once: a process's state at its exit or kill, the
 * kernel's at its shutdown.
 *
 * <p>An implementation must guarantee that the references its states make are resolved by the
 * same backend's {@link DomainArchState} to exactly the bytes meant; that they use the kernel
 * only through {@link KernelServices} and {@link org.xencommlab.api.kernel.UserProcessServices};
 * that whatever they take from the kernel or the hypervisor for a process is given back when the
 * process exits; and that the object itself keeps no per-kernel or per-process data (no map keyed
 * by kernel or process) and is safe to call from any thread.
 */
public interface GuestXencomm {
    /**
     * Makes the backend's state for a kernel that boots. Called by the kernel exactly once, at
     * the end of its boot, before any process exists: it must only make the object (it may keep
     * {@code kernel} but must call none of its methods yet).
     */
    KernelXencomm attachKernel(KernelServices kernel);
}
