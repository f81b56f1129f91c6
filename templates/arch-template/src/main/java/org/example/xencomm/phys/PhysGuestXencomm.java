package org.example.xencomm.phys;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * The guest half, one per run: it holds the configuration (how many buffer pages one process may
 * have) and makes one {@link Kernel} state per kernel, which makes one {@link PhysProcessState}
 * per process. Stateless beyond its configuration.
 */
final class PhysGuestXencomm implements GuestXencomm {
    private final int bufferLimitPages;

    PhysGuestXencomm(int bufferLimitPages) {
        this.bufferLimitPages = bufferLimitPages;
    }

    @Override
    public KernelXencomm attachKernel(KernelServices kernel) {
        return new Kernel(kernel, bufferLimitPages);
    }

    /** One kernel's state: its kernel references, and its processes' states. */
    static final class Kernel implements KernelXencomm {
        private final KernelServices kernel;
        private final int bufferLimitPages;
        private boolean released;

        Kernel(KernelServices kernel, int bufferLimitPages) {
            this.kernel = kernel;
            this.bufferLimitPages = bufferLimitPages;
        }

        /** The block's guest-physical address, tagged as the kernel's. */
        @Override
        public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
            if (offset < 0 || length < 0 || offset > block.length() - length) {
                throw new XenException(XenErrno.EINVAL, length + " bytes at " + offset + " are not inside " + block);
            }
            return PhysReference.kernel(block.physicalAddress() + offset);
        }

        @Override
        public synchronized ProcessXencomm attachProcess(UserProcessServices process) {
            if (released) {
                throw new XenException(XenErrno.ESRCH, "the kernel's phys state was released");
            }
            return new PhysProcessState(kernel, process, bufferLimitPages);
        }

        @Override
        public synchronized void release() {
            released = true; // nothing per kernel to give back
        }
    }
}
