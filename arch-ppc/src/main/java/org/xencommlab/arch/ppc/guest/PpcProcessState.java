package org.xencommlab.arch.ppc.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.ppc.PpcConfig;

/**
 * What the ppc backend keeps for one process: its {@link ProcessRecord} (the buffers it registered
 * and the device areas it mapped) and a typed link to its kernel's {@link PpcKernelState}. Made by
 * {@link PpcKernelState#attachProcess} when the process is created.
 *
 * <p>{@link #release} (the process exited or was killed; the kernel calls it once): with clean-up
 * on, every registration the process left is unregistered and unpinned (Problem #4); with
 * clean-up off they are only forgotten, and stay registered, charged and pinned in the hypervisor
 * until the domain is destroyed (the leak the variant shows). Either way the record is emptied
 * and marked exited, so a registration that completes afterwards is undone by its caller. Device
 * mappings go back to the area when the kernel unmaps them. Thread-safe: the record has its own
 * monitor, and the released flag is volatile.
 */
public final class PpcProcessState implements ProcessXencomm {
    private final PpcKernelState kernel;
    private final UserProcessServices process;
    private final PpcConfig config;
    private final ProcessRecord record = new ProcessRecord();
    private volatile boolean released;

    PpcProcessState(PpcKernelState kernel, UserProcessServices process, PpcConfig config) {
        this.kernel = kernel;
        this.process = process;
        this.config = config;
    }

    /**
     * The process's buffer API: device-area pieces with {@code buffers=device}, plain memory in
     * descriptor mode, registered buffers otherwise.
     *
     * @throws XenException ESRCH once the process is gone
     */
    @Override
    public PpcBufferApi openUserBuffers() {
        if (released) {
            throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " is gone");
        }
        if (config.buffers() == PpcConfig.BufferSource.DEVICE) {
            return new DeviceBufferApi(process, kernel::deviceArea, record, config.mode() == PpcConfig.Mode.REGISTRATION);
        }
        if (config.mode() == PpcConfig.Mode.DESCRIPTOR) {
            return new PlainBufferApi(process);
        }
        return new RegisteredBufferApi(process, record, config.cleanup());
    }

    /**
     * Registration mode: the arguments pass unchanged (they hold {@code bufid | offset} references)
     * once {@link UserReferenceGuard} found no user handle that is an inline reference (EPERM
     * otherwise, nothing issued). Descriptor mode: every user handle the finder knows is rewritten
     * to a descriptor or an inline reference; a hypercall it does not know is ENOSYS (EPERM if one
     * of its words is an inline reference). Only a user's words come here: the references the
     * kernel makes itself ({@link PpcKernelState#kernelReference}) never pass this check.
     */
    @Override
    public PreparedHypercall prepareUserHypercall(int op, long[] args, HandleSiteFinder handles) {
        if (config.mode() == PpcConfig.Mode.REGISTRATION) {
            DeviceArea area = config.buffers() == PpcConfig.BufferSource.DEVICE ? kernel.deviceAreaIfReserved() : null;
            new UserReferenceGuard(process, record, area, PpcGuestXencomm.STRUCTURE_ORDER).check(op, args, handles);
            return PreparedHypercall.passThrough(args);
        }
        return new DescriptorPreparer(process, record, PpcGuestXencomm.STRUCTURE_ORDER).prepare(op, args, handles);
    }

    @Override
    public void release() {
        if (released) {
            return;
        }
        released = true;
        if (config.cleanup()) {
            RegisteredBufferApi.cleanUp(process, record);
        } else {
            record.exit();
        }
    }

    /** Whether the process's state was released (it exited or was killed). */
    public boolean isReleased() {
        return released;
    }

    /**
     * Registrations the kernel tracks for clean-up at the process's exit (0 with clean-up off:
     * it then knows them only to read the tool's structures, and forgets them at exit).
     */
    public int trackedRegistrations() {
        return config.cleanup() ? record.registrationCount() : 0;
    }

    /** Registrations the record holds now, whatever the clean-up setting (0 once released). */
    public int recordedRegistrations() {
        return record.registrationCount();
    }

    /** The kernel state this process belongs to. */
    public PpcKernelState kernelState() {
        return kernel;
    }
}
