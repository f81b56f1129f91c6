package org.xencommlab.arch.ppc.guest;

import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/**
 * The ppc states of the testing kernel and processes, attached at first use as a guest kernel
 * attaches them (at boot, at process start); the testing process releases its state at exit, after
 * its clean-ups, as the guest kernel does.
 */
final class PpcStates {
    private PpcStates() {}

    /** The kernel's state, made by {@code xencomm} at the first call. */
    static PpcKernelState kernel(PpcGuestXencomm xencomm, TestingKernel kernel) {
        return (PpcKernelState) kernel.attachXencomm(() -> xencomm.attachKernel(kernel));
    }

    /** The process's state, made by its kernel's state at the first call. */
    static PpcProcessState process(PpcGuestXencomm xencomm, TestingProcess process) {
        PpcKernelState kernel = kernel(xencomm, process.kernel());
        return (PpcProcessState) process.attachXencomm(() -> kernel.attachProcess(process));
    }
}
