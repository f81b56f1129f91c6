package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.counts.CvmCounts;

/**
 * The guest half of the cvm backend. All guest memory is private; the hypervisor reaches only
 * shared frames, by guest-physical address.
 * <ul>
 *   <li>A tool's call: privcmd rewrites every handle to a bounce mapping or a shared buffer's
 *       frames ({@link BouncePreparer}).</li>
 *   <li>A kernel block named in a hypercall (the embedded form's block, the balloon's arena):
 *       {@link #kernelReference} maps the block into the bounce pool and names the mapping;
 *       {@link #beforeKernelHypercall} copies the block in and, after the call, back;
 *       {@link #releaseKernelBlock} unmaps it when the kernel frees the block.</li>
 * </ul>
 * One instance per run; per-kernel state ({@link CvmKernel}) is made on a kernel's first call.
 */
public final class CvmGuestXencomm implements GuestXencomm {
    private final CvmConfig config;
    private final CvmCounts counts;
    private final Map<KernelServices, CvmKernel> kernels = new ConcurrentHashMap<>();
    private final Map<UserProcessServices, List<CvmBufferApi>> buffers = new ConcurrentHashMap<>();

    @Inject
    public CvmGuestXencomm(CvmConfig config, CvmCounts counts) {
        this.config = requireNonNull(config, "config is null");
        this.counts = requireNonNull(counts, "counts is null");
    }

    public CvmConfig config() {
        return config;
    }

    private CvmKernel cvm(KernelServices kernel) {
        return kernels.computeIfAbsent(requireNonNull(kernel, "kernel is null"), k -> new CvmKernel(k, config, counts));
    }

    /** The bounce pool of {@code kernel}, set up (and converted) if it was not yet. */
    public BouncePool bouncePool(KernelServices kernel) {
        return cvm(kernel).pool();
    }

    @Override
    public HypercallBufferApi openUserBuffers(UserProcessServices process) {
        requireNonNull(process, "process is null");
        CvmKernel cvm = cvm(process.kernel());
        cvm.pool();
        CvmBufferApi api = new CvmBufferApi(process, cvm, config.buffers() == CvmConfig.BufferMode.SHARED);
        buffers.computeIfAbsent(process, p -> {
            p.atExit(() -> buffers.remove(p));
            return new CopyOnWriteArrayList<>();
        }).add(api);
        return api;
    }

    /** The guest-physical address of a bounce mapping that stands for {@code block} (ENOMEM if the pool is full). */
    @Override
    public MemoryReference kernelReference(KernelServices kernel, KernelBlock block, int offset, int length) {
        requireNonNull(block, "block is null");
        if (offset < 0 || length < 0 || (long) offset + length > block.length()) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside a block of " + block.length() + " bytes");
        }
        return new MemoryReference(cvm(kernel).kernelMapping(block).physicalAddress() + offset);
    }

    @Override
    public Runnable beforeKernelHypercall(KernelServices kernel, KernelBlock block) {
        CvmKernel cvm = cvm(kernel);
        BounceMapping mapping = cvm.existingKernelMapping(block);
        if (mapping == null) {
            return () -> {};
        }
        cvm.bounce(block.physicalAddress(), mapping.physicalAddress(), block.length());
        return () -> cvm.bounce(mapping.physicalAddress(), block.physicalAddress(), block.length());
    }

    @Override
    public void releaseKernelBlock(KernelServices kernel, KernelBlock block) {
        cvm(kernel).releaseKernelMapping(block);
    }

    @Override
    public PreparedHypercall prepareUserHypercall(UserProcessServices process, int op, long[] args, HandleSiteFinder handles) {
        List<CvmBufferApi> apis = buffers.getOrDefault(process, List.of());
        return new BouncePreparer(process, cvm(process.kernel()), (address, length) -> {
            for (CvmBufferApi api : apis) {
                long gpa = api.sharedPhysical(address, length);
                if (gpa >= 0) {
                    return gpa;
                }
            }
            return -1;
        }).prepare(op, args, handles);
    }

    @Override
    public String toString() {
        return "cvm guest xencomm " + config;
    }
}
