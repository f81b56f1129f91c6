package org.xencommlab.api.kernel;

import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.Trace;

/**
 * What a guest kernel offers the guest half of an arch backend (its privcmd code, its descriptor
 * builder, its reserved areas). The guest module implements it, one instance per domain.
 *
 * <p>An implementation must guarantee that memory from {@link #kmalloc} and
 * {@link #allocateContiguous} is physically contiguous, never swapped and never migrated; that
 * failures are {@link org.xencommlab.api.errno.XenException}s with the errno Linux would give
 * (ENOMEM when memory is short); and that {@link #hypercall} returns exactly what the hypervisor
 * returned.
 */
public interface KernelServices {
    int domid();

    PageSize pageSize();

    AddressSpaceLayout layout();

    /** The domain's guest-physical memory as this kernel's CPUs see it. */
    GuestPhysicalMemory physicalMemory();

    /** Allocates {@code length} physically contiguous, zeroed bytes of kernel memory. */
    KernelBlock kmalloc(int length);

    /** Frees a block from {@link #kmalloc}. */
    void kfree(KernelBlock block);

    /** Allocates {@code nrPages} physically contiguous, zeroed, page-aligned frames. */
    KernelBlock allocateContiguous(int nrPages);

    /** Frees frames from {@link #allocateContiguous}. */
    void freeContiguous(KernelBlock block);

    /** Issues a hypercall from kernel mode on the current vCPU. */
    long hypercall(int op, long... args);

    RunMetrics metrics();

    Trace trace();
}
