package org.xencommlab.arch.ppc.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * What the ppc backend keeps in one guest kernel: its device area (reserved, and registered in
 * registration mode, at first use). Made by {@link PpcGuestXencomm#attachKernel} at boot; each
 * process of the kernel gets a {@link PpcProcessState} that links back to it.
 *
 * <p>At {@link #release} (the kernel shut down, every process gone) it refuses new processes and
 * a new device area with ESRCH. An area already reserved stays as it is: it is kernel memory held
 * for the kernel's whole life (reported as reserved), and its registration, pins and heap charge
 * are reclaimed with the domain by the hypervisor half. Thread-safe: its monitor guards the area
 * and the released flag.
 */
public final class PpcKernelState implements KernelXencomm {
    private final KernelServices kernel;
    private final PpcConfig config;
    private DeviceArea deviceArea;
    private boolean released;

    PpcKernelState(KernelServices kernel, PpcConfig config) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.config = requireNonNull(config, "config is null");
    }

    /** An inline reference: bit 63 and the guest-physical address of {@code block + offset}. */
    @Override
    public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
        if (offset < 0 || length < 0 || offset > block.length() - length) {
            throw new XenException(XenErrno.EINVAL, "range " + offset + "+" + length + " outside a block of " + block.length());
        }
        return new MemoryReference(PpcMemref.inline(block.physicalAddress() + offset));
    }

    /** A new process's state: its empty record of registrations and device mappings. */
    @Override
    public PpcProcessState attachProcess(UserProcessServices process) {
        requireNonNull(process, "process is null");
        synchronized (this) {
            if (released) {
                throw new XenException(XenErrno.ESRCH, "kernel of domain " + kernel.domid() + " is shut down");
            }
        }
        return new PpcProcessState(this, process, config);
    }

    @Override
    public synchronized void release() {
        released = true;
    }

    /** Whether the kernel shut down. */
    public synchronized boolean isReleased() {
        return released;
    }

    /** The device area, once reserved: one contiguous block kept for the kernel's life. */
    @Override
    public synchronized int kernelBlocksHeld() {
        return deviceArea == null ? 0 : 1;
    }

    /** Pages of the device area still free, or -1 if it was never reserved. */
    public int deviceFreePages() {
        DeviceArea area = deviceAreaIfReserved();
        return area == null ? -1 : area.freePages();
    }

    KernelServices kernel() {
        return kernel;
    }

    /** The device area, reserved (and registered in registration mode) at first use; ESRCH once released. */
    synchronized DeviceArea deviceArea() {
        if (deviceArea == null) {
            if (released) {
                throw new XenException(XenErrno.ESRCH, "kernel of domain " + kernel.domid() + " is shut down");
            }
            deviceArea = DeviceArea.reserve(kernel, config.devicePages(), config.mode() == PpcConfig.Mode.REGISTRATION);
        }
        return deviceArea;
    }

    /** The device area if it was reserved, else null. */
    synchronized DeviceArea deviceAreaIfReserved() {
        return deviceArea;
    }
}
