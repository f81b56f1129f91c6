package org.xencommlab.arch.ppc.guest;

import java.util.BitSet;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationTable;

/**
 * The mail's answer to Problem #2: a physically contiguous area the kernel reserves once (at first
 * use) and, in registration mode, registers with the hypervisor once; tools map pieces of it from a
 * device. Every piece is one physical range, so spanning pages is free. Its costs: the whole
 * reservation is held whether used or not ({@link Gauge#DEVICE_BYTES_RESERVED} against
 * {@link Gauge#DEVICE_BYTES_USED}), and a tool can never have more than the free pages at once:
 * beyond that, {@code alloc_buf} is ENOMEM (as {@code mmap} of {@code /dev/xen/hypercall} when the
 * kernel cannot give the pages). Pieces are first-fit runs of pages, zeroed before they are handed
 * out. Thread-safe.
 */
final class DeviceArea {
    private final KernelServices kernel;
    private final KernelBlock block;
    private final int pages;
    private final long bufid;
    private final BitSet used;

    private DeviceArea(KernelServices kernel, KernelBlock block, int pages, long bufid) {
        this.kernel = kernel;
        this.block = block;
        this.pages = pages;
        this.bufid = bufid;
        this.used = new BitSet(pages);
    }

    /** Reserves {@code pages} contiguous frames and, if {@code register}, registers them with the hypervisor. */
    static DeviceArea reserve(KernelServices kernel, int pages, boolean register) {
        KernelBlock block = kernel.allocateContiguous(pages);
        long bufid = -1;
        if (register) {
            long firstGfn = kernel.pageSize().pageOf(block.physicalAddress());
            long[] gfns = new long[pages];
            for (int i = 0; i < pages; i++) {
                gfns[i] = firstGfn + i;
            }
            try {
                bufid = KernelRegistrar.register(kernel, gfns);
            } catch (RuntimeException e) {
                kernel.freeContiguous(block);
                throw e;
            }
        }
        long reserved = (long) pages * kernel.pageSize().bytes();
        kernel.metrics().adjust(Gauge.DEVICE_BYTES_RESERVED, reserved);
        // Held for the kernel's lifetime on purpose: reports show it as reserved, not leaked.
        kernel.metrics().markReserved(Gauge.DEVICE_BYTES_RESERVED, reserved);
        if (bufid >= 0) {
            kernel.metrics().markReserved(Gauge.REGISTRATIONS_LIVE, 1);
            kernel.metrics().markReserved(Gauge.XEN_HEAP_BYTES, RegistrationTable.chargeFor(pages));
            kernel.metrics().markReserved(Gauge.PINNED_FRAMES, pages);
        }
        long registered = bufid;
        kernel.trace().event(TraceKind.REGISTRATION, kernel.domid(), () -> "device area " + pages + " pages at 0x"
                + Long.toHexString(block.physicalAddress()) + (registered >= 0 ? " bufid 0x" + Long.toHexString(registered) : ""));
        return new DeviceArea(kernel, block, pages, bufid);
    }

    int pages() {
        return pages;
    }

    /** The area's bufid, or -1 if it is not registered (descriptor mode). */
    long bufid() {
        return bufid;
    }

    long physicalAddress() {
        return block.physicalAddress();
    }

    long firstGfn() {
        return kernel.pageSize().pageOf(block.physicalAddress());
    }

    /** Takes a run of {@code n} free pages, zeroed; returns its first page index. ENOMEM if none. */
    int carve(int n) {
        int start;
        synchronized (this) {
            start = findRun(n);
            if (start < 0) {
                // Counted here, once: the device's refusal of a mapping is an error of the run.
                kernel.metrics().recordError(XenErrno.ENOMEM);
                throw new XenException(XenErrno.ENOMEM, "device area of " + pages + " pages has no run of " + n + " free pages ("
                        + (pages - used.cardinality()) + " free)");
            }
            used.set(start, start + n);
        }
        int pageBytes = kernel.pageSize().bytes();
        for (int i = 0; i < n; i++) {
            kernel.physicalMemory().zero(block.physicalAddress() + (long) (start + i) * pageBytes, pageBytes);
        }
        kernel.metrics().adjust(Gauge.DEVICE_BYTES_USED, (long) n * pageBytes);
        return start;
    }

    /** Gives back the run from {@link #carve}. */
    void release(int start, int n) {
        synchronized (this) {
            used.clear(start, start + n);
        }
        kernel.metrics().adjust(Gauge.DEVICE_BYTES_USED, -(long) n * kernel.pageSize().bytes());
    }

    synchronized int freePages() {
        return pages - used.cardinality();
    }

    /** The registered reference of byte {@code offset} of the area. */
    long referenceAt(long offset) {
        return PpcMemref.withOffset(bufid, offset);
    }

    private int findRun(int n) {
        int start = used.nextClearBit(0);
        while (start + n <= pages) {
            int nextUsed = used.nextSetBit(start);
            if (nextUsed < 0 || nextUsed >= start + n) {
                return start;
            }
            start = used.nextClearBit(nextUsed);
        }
        return -1;
    }
}
