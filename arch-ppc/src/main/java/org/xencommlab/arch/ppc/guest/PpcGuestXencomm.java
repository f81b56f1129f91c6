package org.xencommlab.arch.ppc.guest;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.ByteOrder;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.ppc.PpcConfig;

/**
 * The guest half of the ppc backend, one per run, serving every guest kernel of it. It keeps
 * nothing per kernel or per process: each kernel's {@link PpcKernelState} (its device area) and
 * each process's {@link PpcProcessState} (its registrations and device mappings) hold that, made
 * when the kernel boots and the process starts and released when they end.
 *
 * <ul>
 *   <li>{@code mode=registration, buffers=user}: buffers registered with the hypervisor (see
 *       {@link RegisteredBufferApi}); hypercall arguments pass through unchanged, once no user
 *       handle is an inline reference ({@link UserReferenceGuard}).</li>
 *   <li>{@code mode=descriptor, buffers=user}: plain buffers; {@link PpcProcessState#prepareUserHypercall} builds a
 *       xencomm descriptor per user buffer per hypercall ({@link DescriptorPreparer}).</li>
 *   <li>{@code buffers=device} (either mode): buffers carved from the kernel's reserved area
 *       ({@link DeviceArea}).</li>
 *   <li>Kernel memory is always passed inline ({@link PpcKernelState#kernelReference}).</li>
 * </ul>
 * The kernel-side work (pinning, registration, descriptors) runs in kernel mode on the calling
 * process's behalf, through {@link UserProcessServices} and {@link KernelServices} only.
 */
public final class PpcGuestXencomm implements GuestXencomm {
    /**
     * Byte order of the guest's hypercall structures, whose nested handles descriptor mode
     * rewrites: the lab's ABI uses Xen's x86-64 layout for every arch (see {@code AbiCatalog}), so
     * little-endian. (The xencomm descriptor itself is the ppc backend's own format, big-endian.)
     */
    public static final ByteOrder STRUCTURE_ORDER = ByteOrder.LITTLE_ENDIAN;

    private final PpcConfig config;

    @Inject
    public PpcGuestXencomm(PpcConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public PpcConfig config() {
        return config;
    }

    /** A new kernel's state: no device area yet (it is reserved at first use). */
    @Override
    public PpcKernelState attachKernel(KernelServices kernel) {
        return new PpcKernelState(kernel, config);
    }
}
