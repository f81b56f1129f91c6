package org.xencommlab.arch.x86.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.PreparedHypercall;

/**
 * The guest half of the x86 backend: a memory reference is a virtual address of the caller, which
 * the hypervisor resolves by walking the page tables the vCPU runs on. A tool's buffers must
 * therefore stay present: mlocked anonymous memory ({@link MlockedBufferApi}) or pages of the
 * hypercall device ({@link PrivcmdBufFile}), as {@link X86BufferConfig} chooses. Kernel memory is
 * always present, so a kernel reference is simply the direct-map address. A user's hypercall
 * arguments pass through unchanged once {@link #prepareUserHypercall} has refused any kernel
 * address among its handles ({@link KernelHandleGuard}).
 *
 * <p>Stateless apart from its configuration; per-process state lives in the API each
 * {@link #openUserBuffers} returns.
 */
public final class X86GuestXencomm implements GuestXencomm {
    private final X86BufferConfig config;

    public X86GuestXencomm(X86BufferConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public X86BufferConfig config() {
        return config;
    }

    /**
     * A new buffer API for {@code process}: an {@link MlockedBufferApi}, or an open of the
     * hypercall device ({@link PrivcmdBufFile}) with {@code buffers=device}.
     */
    @Override
    public HypercallBufferApi openUserBuffers(UserProcessServices process) {
        requireNonNull(process, "process is null");
        return switch (config.buffers()) {
            case MLOCK -> new MlockedBufferApi(process, config.align());
            case UNLOCKED -> new MlockedBufferApi(process, config.align(), false);
            case DEVICE -> new PrivcmdBufFile(process, config.deviceLimitPages());
        };
    }

    /** The kernel direct-map address of byte {@code offset} of {@code block}. */
    @Override
    public MemoryReference kernelReference(KernelServices kernel, KernelBlock block, int offset, int length) {
        requireNonNull(kernel, "kernel is null");
        requireNonNull(block, "block is null");
        if (offset < 0 || length < 0 || (long) offset + length > block.length()) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside a block of " + block.length() + " bytes");
        }
        return new MemoryReference(kernel.layout().kernelAddressOf(block.physicalAddress()) + offset);
    }

    /**
     * Refuses (EPERM) a user's hypercall any of whose handles is a kernel address, which only the
     * kernel may pass ({@link KernelHandleGuard}); otherwise passes the arguments through unchanged.
     */
    @Override
    public PreparedHypercall prepareUserHypercall(UserProcessServices process, int op, long[] args, HandleSiteFinder handles) {
        new KernelHandleGuard(process).check(op, args, handles);
        return PreparedHypercall.passThrough(args);
    }

    @Override
    public String toString() {
        return "x86 guest xencomm " + config;
    }
}
