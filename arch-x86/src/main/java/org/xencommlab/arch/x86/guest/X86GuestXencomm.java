package org.xencommlab.arch.x86.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * The guest half of the x86 backend: a memory reference is a virtual address of the caller, which
 * the hypervisor resolves by walking the page tables the vCPU runs on. A tool's buffers must
 * therefore stay present: mlocked anonymous memory ({@link MlockedBufferApi}) or pages of the
 * hypercall device ({@link PrivcmdBufFile}), as {@link X86BufferConfig} chooses. Kernel memory is
 * always present, so a kernel reference is simply the direct-map address. A user's hypercall
 * arguments pass through unchanged once {@link X86ProcessState#prepareUserHypercall} has refused
 * any kernel address among its handles ({@link KernelHandleGuard}).
 *
 * <p>Stateless apart from its configuration. A kernel's state ({@link X86KernelState}) holds only its
 * kernel; a process's ({@link X86ProcessState}) holds only its process, and what a tool's buffers hold
 * lives in the buffer API each {@link X86ProcessState#openUserBuffers} returns (one per library handle),
 * which the kernel's exit clean-up closes ({@link UserProcessServices#atExit}): the kernel
 * unlocks and unmaps the memory itself. Released states refuse new work with ESRCH.
 */
public final class X86GuestXencomm implements GuestXencomm {
    private final X86BufferConfig config;

    public X86GuestXencomm(X86BufferConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public X86BufferConfig config() {
        return config;
    }

    @Override
    public X86KernelState attachKernel(KernelServices kernel) {
        return new X86KernelState(requireNonNull(kernel, "kernel is null"));
    }

    @Override
    public String toString() {
        return "x86 guest xencomm " + config;
    }

    /** The x86 backend's state of one kernel. Thread-safe (its one flag is volatile). */
    public final class X86KernelState implements KernelXencomm {
        private final KernelServices kernel;
        private volatile boolean released;

        private X86KernelState(KernelServices kernel) {
            this.kernel = kernel;
        }

        /** The kernel direct-map address of byte {@code offset} of {@code block}. */
        @Override
        public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
            requireNonNull(block, "block is null");
            if (offset < 0 || length < 0 || (long) offset + length > block.length()) {
                throw new IllegalArgumentException("range " + offset + "+" + length + " outside a block of " + block.length() + " bytes");
            }
            return new MemoryReference(kernel.layout().kernelAddressOf(block.physicalAddress()) + offset);
        }

        @Override
        public X86ProcessState attachProcess(UserProcessServices process) {
            return new X86ProcessState(this, requireNonNull(process, "process is null"));
        }

        @Override
        public void release() {
            released = true;
        }

        /** Whether the kernel shut down. */
        public boolean isReleased() {
            return released;
        }
    }

    /** The x86 backend's state of one process. Thread-safe (its one flag is volatile). */
    public final class X86ProcessState implements ProcessXencomm {
        private final X86KernelState kernel;
        private final UserProcessServices process;
        private volatile boolean released;

        private X86ProcessState(X86KernelState kernel, UserProcessServices process) {
            this.kernel = kernel;
            this.process = process;
        }

        /**
         * A new buffer API for the process: an {@link MlockedBufferApi}, or an open of the
         * hypercall device ({@link PrivcmdBufFile}) with {@code buffers=device}.
         *
         * @throws XenException ESRCH once the process (or its kernel) is gone
         */
        @Override
        public HypercallBufferApi openUserBuffers() {
            if (released || kernel.released) {
                throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " is gone");
            }
            return switch (config.buffers()) {
                case MLOCK -> new MlockedBufferApi(process, config.align());
                case UNLOCKED -> new MlockedBufferApi(process, config.align(), false);
                case DEVICE -> new PrivcmdBufFile(process, config.deviceLimitPages());
            };
        }

        /**
         * Refuses (EPERM) a user's hypercall any of whose handles is a kernel address, which only the
         * kernel may pass ({@link KernelHandleGuard}); otherwise passes the arguments through unchanged.
         */
        @Override
        public PreparedHypercall prepareUserHypercall(int op, long[] args, HandleSiteFinder handles) {
            new KernelHandleGuard(process).check(op, args, handles);
            return PreparedHypercall.passThrough(args);
        }

        @Override
        public void release() {
            released = true;
        }

        /** Whether the process's state was released (it exited or was killed). */
        public boolean isReleased() {
            return released;
        }
    }
}
