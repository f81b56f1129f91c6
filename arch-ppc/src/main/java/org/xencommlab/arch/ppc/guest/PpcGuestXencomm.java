package org.xencommlab.arch.ppc.guest;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The guest half of the ppc backend, one per run, serving every guest kernel of it.
 *
 * <ul>
 *   <li>{@code mode=registration, buffers=user}: buffers registered with the hypervisor (see
 *       {@link RegisteredBufferApi}); hypercall arguments pass through unchanged, once no user
 *       handle is an inline reference ({@link UserReferenceGuard}).</li>
 *   <li>{@code mode=descriptor, buffers=user}: plain buffers; {@link #prepareUserHypercall} builds a
 *       xencomm descriptor per user buffer per hypercall ({@link DescriptorPreparer}).</li>
 *   <li>{@code buffers=device} (either mode): buffers carved from the kernel's reserved area
 *       ({@link DeviceArea}).</li>
 *   <li>Kernel memory is always passed inline ({@link #kernelReference}).</li>
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
    private final Map<KernelServices, KernelState> kernels = new IdentityHashMap<>();

    @Inject
    public PpcGuestXencomm(PpcConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public PpcConfig config() {
        return config;
    }

    @Override
    public PpcBufferApi openUserBuffers(UserProcessServices process) {
        KernelState kernel = state(process.kernel());
        ProcessRecord record = kernel.record(process);
        if (config.buffers() == PpcConfig.BufferSource.DEVICE) {
            return new DeviceBufferApi(process, kernel::deviceArea, record, config.mode() == PpcConfig.Mode.REGISTRATION);
        }
        if (config.mode() == PpcConfig.Mode.DESCRIPTOR) {
            return new PlainBufferApi(process);
        }
        return new RegisteredBufferApi(process, record, config.cleanup());
    }

    /** An inline reference: bit 63 and the guest-physical address of {@code block + offset}. */
    @Override
    public MemoryReference kernelReference(KernelServices kernel, KernelBlock block, int offset, int length) {
        if (offset < 0 || length < 0 || offset > block.length() - length) {
            throw new XenException(XenErrno.EINVAL, "range " + offset + "+" + length + " outside a block of " + block.length());
        }
        return new MemoryReference(PpcMemref.inline(block.physicalAddress() + offset));
    }

    /**
     * Registration mode: the arguments pass unchanged (they hold {@code bufid | offset} references)
     * once {@link UserReferenceGuard} found no user handle that is an inline reference (EPERM
     * otherwise, nothing issued). Descriptor mode: every user handle the finder knows is rewritten
     * to a descriptor or an inline reference; a hypercall it does not know is ENOSYS (EPERM if one
     * of its words is an inline reference). Only a user's words come here: the references the
     * kernel makes itself ({@link #kernelReference}) never pass this check.
     */
    @Override
    public PreparedHypercall prepareUserHypercall(UserProcessServices process, int op, long[] args, HandleSiteFinder handles) {
        KernelState kernel = state(process.kernel());
        ProcessRecord record = kernel.recordIfAny(process);
        if (config.mode() == PpcConfig.Mode.REGISTRATION) {
            DeviceArea area = config.buffers() == PpcConfig.BufferSource.DEVICE ? kernel.deviceAreaIfReserved() : null;
            new UserReferenceGuard(process, record, area, STRUCTURE_ORDER).check(op, args, handles);
            return PreparedHypercall.passThrough(args);
        }
        return new DescriptorPreparer(process, record, STRUCTURE_ORDER).prepare(op, args, handles);
    }

    /** Pages of the kernel's device area still free, or -1 if it was never reserved. */
    public int deviceFreePages(KernelServices kernel) {
        DeviceArea area = state(kernel).deviceAreaIfReserved();
        return area == null ? -1 : area.freePages();
    }

    /**
     * Registrations the kernel tracks for clean-up at {@code process}'s exit (0 with clean-up off:
     * it then knows them only to read the tool's structures, and forgets them at exit).
     */
    public int trackedRegistrations(UserProcessServices process) {
        ProcessRecord record = state(process.kernel()).recordIfAny(process);
        return record == null || !config.cleanup() ? 0 : record.registrationCount();
    }

    private KernelState state(KernelServices kernel) {
        synchronized (kernels) {
            return kernels.computeIfAbsent(kernel, k -> new KernelState(k, config));
        }
    }
}
