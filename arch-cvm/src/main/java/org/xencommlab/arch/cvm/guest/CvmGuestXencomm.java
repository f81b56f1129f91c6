package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.cvm.CvmConfig;

/**
 * The guest half of the cvm backend, one per run. All guest memory is private; the hypervisor
 * reaches only shared frames, by guest-physical address. It keeps nothing per kernel or process:
 * <ul>
 *   <li>each kernel's {@link CvmKernelState} owns the bounce pool and the bounce mappings of the
 *       kernel's own hypercall blocks;</li>
 *   <li>each process's {@link CvmProcessState} owns the process's buffer APIs (and with
 *       {@code buffers=shared} its shared buffers) and rewrites a tool's handles for privcmd
 *       ({@link BouncePreparer}).</li>
 * </ul>
 */
public final class CvmGuestXencomm implements GuestXencomm {
    private final CvmConfig config;

    @Inject
    public CvmGuestXencomm(CvmConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public CvmConfig config() {
        return config;
    }

    /** A new kernel's state: no pool yet (it is set up at first need). */
    @Override
    public CvmKernelState attachKernel(KernelServices kernel) {
        return new CvmKernelState(kernel, config);
    }

    @Override
    public String toString() {
        return "cvm guest xencomm " + config;
    }
}
