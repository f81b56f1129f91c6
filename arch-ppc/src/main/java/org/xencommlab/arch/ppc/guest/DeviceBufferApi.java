package org.xencommlab.arch.ppc.guest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * {@code buffers=device}: each buffer is a run of pages of the kernel's {@link DeviceArea}, mapped
 * into the tool with a shared mapping. In registration mode a reference is the area's
 * {@code bufid | offset}; in descriptor mode it is the tool's virtual address, which the kernel
 * passes inline because the memory is physically contiguous. When the mapping goes (free, exit or
 * kill) the pages return to the area.
 */
final class DeviceBufferApi extends PpcBufferApi {
    private final Supplier<DeviceArea> area;
    private final ProcessRecord record;
    private final boolean registered;

    DeviceBufferApi(UserProcessServices process, Supplier<DeviceArea> area, ProcessRecord record, boolean registered) {
        super(process);
        this.area = area;
        this.record = record;
        this.registered = registered;
    }

    /**
     * {@code mmap} of the device: one system call of the process, so that a kill arriving during it
     * is delivered at the return to user mode (the exit then unmaps the pages, which go back to the
     * area) and the kernel counts it.
     */
    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        checkPages(nrPages);
        return process.systemCall("mmap(xencomm device, " + nrPages + " pages)", () -> mapFromArea(nrPages));
    }

    private HypercallBuffer mapFromArea(int nrPages) {
        DeviceArea device = area.get();
        if (nrPages > device.pages()) {
            throw refused(XenErrno.ENOMEM, "alloc_buf of " + nrPages + " pages; the device holds " + device.pages());
        }
        int start = device.carve(nrPages);
        int pageBytes = process.pageSize().bytes();
        long[] gfns = new long[nrPages];
        for (int i = 0; i < nrPages; i++) {
            gfns[i] = device.firstGfn() + start + i;
        }
        long physical = device.physicalAddress() + (long) start * pageBytes;
        long length = (long) nrPages * pageBytes;
        AtomicBoolean returned = new AtomicBoolean();
        ProcessRecord.DeviceMapping[] mapping = new ProcessRecord.DeviceMapping[1];
        Runnable onUnmap = () -> {
            if (returned.compareAndSet(false, true)) {
                if (mapping[0] != null) {
                    record.removeDeviceMapping(mapping[0]);
                }
                device.release(start, nrPages);
            }
        };
        long address;
        try {
            address = process.mapKernelFrames(gfns, onUnmap);
        } catch (RuntimeException e) {
            onUnmap.run();
            throw e;
        }
        mapping[0] = new ProcessRecord.DeviceMapping(address, length, physical);
        record.addDeviceMapping(mapping[0]);
        if (returned.get()) {
            record.removeDeviceMapping(mapping[0]);
        }
        long areaOffset = (long) start * pageBytes;
        return new DeviceAreaBuffer(process, nrPages, address, length, registered ? device : null, areaOffset);
    }

    @Override
    public void freeBuf(HypercallBuffer buffer) {
        DeviceAreaBuffer device = own(buffer, DeviceAreaBuffer.class);
        if (!device.markFreed()) {
            throw new XenException(XenErrno.EINVAL, "buffer already freed");
        }
        process.munmap(device.userAddress(), device.capacity());
    }

    /** A piece of the device area mapped into a tool. */
    static final class DeviceAreaBuffer extends PpcBuffer {
        private final DeviceArea registeredArea;
        private final long areaOffset;

        DeviceAreaBuffer(UserProcessServices owner, int nrPages, long userAddress, long capacity, DeviceArea registeredArea, long areaOffset) {
            super(owner, nrPages, userAddress, capacity);
            this.registeredArea = registeredArea;
            this.areaOffset = areaOffset;
        }

        @Override
        long referenceAt(long offset) {
            return registeredArea != null ? registeredArea.referenceAt(areaOffset + offset) : userAddress() + offset;
        }
    }
}
