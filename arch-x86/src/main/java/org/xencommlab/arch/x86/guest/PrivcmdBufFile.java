package org.xencommlab.arch.x86.guest;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;

/**
 * One open of the hypercall-buffer device, Linux's {@code /dev/xen/hypercall}
 * ({@code drivers/xen/privcmd-buf.c}, 2018), and the buffer API libxencall builds on it.
 *
 * <p>{@code mmap} of the device makes the kernel allocate zeroed pages one by one and map them
 * shared into the tool. Kernel pages are never swapped or migrated, so the hypervisor's page walk
 * always finds them and no mlock is needed. As in Linux:
 * <ul>
 *   <li>only shared mappings are allowed: a private one is EINVAL;</li>
 *   <li>one open may have at most {@code limit} pages mapped at once (the module parameter,
 *       default 64): a request beyond it is EINVAL (Linux's answer, not ENOMEM);</li>
 *   <li>a page the kernel cannot allocate fails the mmap with ENOMEM, leaving nothing behind;</li>
 *   <li>the pages go back to the kernel when the mapping is closed: by {@code munmap}, or by
 *       the process's exit (the kernel's {@code onUnmap} callback).</li>
 * </ul>
 * The open and each device mmap are system calls of the process
 * ({@link UserProcessServices#systemCall}: counted by the kernel, a kill delivered at the return to
 * user mode); {@code munmap} is the process's own system call. Pages the device holds
 * are the gauges {@link Gauge#DEVICE_BYTES_RESERVED} and {@link Gauge#DEVICE_BYTES_USED}: this
 * device allocates on mmap and hands every page to the tool at once, so the two move together
 * (a device that reserved memory up front would show them apart).
 */
public final class PrivcmdBufFile implements HypercallBufferApi {
    /** The {@code MAP_SHARED} / {@code MAP_PRIVATE} choice of an {@code mmap} call. */
    public enum MapSharing {
        SHARED,
        PRIVATE
    }

    private final UserProcessServices process;
    private final KernelServices kernel;
    private final PageSize pageSize;
    private final int limit;

    private final Object lock = new Object();
    private final Map<Long, DeviceBuffer> live = new LinkedHashMap<>();
    private long allocated;
    private long nextId = 1;
    private boolean exited;

    /** Opens the device for {@code process}: {@code open("/dev/xen/hypercall")}. */
    public PrivcmdBufFile(UserProcessServices process, int limitPages) {
        this.process = requireNonNull(process, "process is null");
        if (limitPages < 0) {
            throw new IllegalArgumentException("negative limit: " + limitPages);
        }
        this.kernel = process.kernel();
        this.pageSize = process.pageSize();
        this.limit = limitPages;
        if (!process.isAlive()) {
            throw error(XenErrno.ESRCH, "open by process " + process.pid() + " which is not alive");
        }
        process.systemCall("open /dev/xen/hypercall", () -> {
            process.atExit(this::processExited);
            trace(() -> "open /dev/xen/hypercall (limit " + limit + " pages)");
            return null;
        });
    }

    /** {@code mmap(NULL, nrPages pages, RW, MAP_SHARED, fd, 0)}: see {@link #mmap}. */
    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        return mmap(nrPages, MapSharing.SHARED);
    }

    /**
     * Maps {@code nrPages} new kernel pages into the tool.
     *
     * @throws XenException EINVAL for a private mapping, a size that is not positive, or one that
     *     would take this open beyond its limit; ENOMEM when the kernel has no page to give; ESRCH
     *     if the process is gone. Every failure is counted as an error and leaves nothing behind.
     */
    public HypercallBuffer mmap(int nrPages, MapSharing sharing) {
        requireNonNull(sharing, "sharing is null");
        if (!process.isAlive()) {
            throw error(XenErrno.ESRCH, "process " + process.pid() + " is not alive");
        }
        // One system call of the process: it counts it, and a kill that arrives meanwhile is
        // delivered at its return to user mode, after which the exit has closed this mapping.
        return process.systemCall("mmap /dev/xen/hypercall", () -> mapPages(nrPages, sharing));
    }

    private HypercallBuffer mapPages(int nrPages, MapSharing sharing) {
        if (sharing != MapSharing.SHARED) {
            throw error(XenErrno.EINVAL, "mmap of the hypercall device must be MAP_SHARED");
        }
        if (nrPages <= 0) {
            throw error(XenErrno.EINVAL, "mmap of " + nrPages + " pages");
        }
        synchronized (lock) {
            if (exited) {
                throw error(XenErrno.ESRCH, "process " + process.pid() + " exited");
            }
            if (nrPages > limit || allocated + nrPages > limit) {
                throw error(XenErrno.EINVAL, "mmap of " + nrPages + " pages with " + allocated + " of " + limit + " mapped");
            }
            allocated += nrPages;
        }
        List<KernelBlock> pages = new ArrayList<>(nrPages);
        Mapping mapping;
        long address;
        try {
            for (int i = 0; i < nrPages; i++) {
                pages.add(kernel.allocateContiguous(1));
            }
            mapping = new Mapping(pages);
            long[] gfns = new long[nrPages];
            for (int i = 0; i < nrPages; i++) {
                gfns[i] = pageSize.pageOf(pages.get(i).physicalAddress());
            }
            address = process.mapKernelFrames(gfns, mapping::close);
        } catch (XenException e) {
            pages.forEach(kernel::freeContiguous);
            synchronized (lock) {
                allocated -= nrPages;
            }
            throw error(e.errno(), "mmap of " + nrPages + " pages: " + e.getMessage());
        }
        long bytes = (long) nrPages * pageSize.bytes();
        kernel.metrics().adjust(Gauge.DEVICE_BYTES_RESERVED, bytes);
        kernel.metrics().adjust(Gauge.DEVICE_BYTES_USED, bytes);
        DeviceBuffer buffer;
        synchronized (lock) {
            buffer = new DeviceBuffer(new X86HypercallBuffer(process, nextId++, nrPages, address, bytes), mapping);
            if (!exited) {
                live.put(buffer.buffer.id(), buffer);
            } else {
                buffer.buffer.markReleased();
            }
        }
        trace(() -> "mmap /dev/xen/hypercall " + nrPages + " pages = buffer " + buffer.buffer.id()
                + " at 0x" + Long.toHexString(address));
        return buffer.buffer;
    }

    /**
     * {@code munmap} of a buffer's mapping; its pages go back to the kernel when the mapping
     * closes.
     *
     * @throws XenException EINVAL for a buffer that is not a live buffer of this open; ESRCH if
     *     the process is gone
     */
    @Override
    public void freeBuf(HypercallBuffer buffer) {
        requireNonNull(buffer, "buffer is null");
        if (!process.isAlive()) {
            throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " is not alive");
        }
        DeviceBuffer device;
        synchronized (lock) {
            device = live.get(buffer.id());
            if (device == null || device.buffer != buffer) {
                throw new XenException(XenErrno.EINVAL, "not a live buffer of this device open: " + buffer);
            }
            live.remove(buffer.id());
            device.buffer.markReleased();
        }
        process.munmap(buffer.userAddress(), buffer.capacity());
        trace(() -> "munmap hypercall buffer " + buffer.id());
    }

    /** Pages this open has mapped now (Linux's {@code file_priv->allocated}). */
    public long allocatedPages() {
        synchronized (lock) {
            return allocated;
        }
    }

    /** The per-open page limit. */
    public int limit() {
        return limit;
    }

    private void processExited() {
        // The kernel closes every mapping at exit (each Mapping gives its pages back then).
        synchronized (lock) {
            exited = true;
            live.values().forEach(d -> d.buffer.markReleased());
            live.clear();
        }
    }

    private XenException error(XenErrno errno, String message) {
        kernel.metrics().recordError(errno);
        trace(() -> "hypercall device: -" + errno.name() + ": " + message);
        return new XenException(errno, message);
    }

    private void trace(Supplier<String> detail) {
        if (!kernel.trace().enabled()) {
            return;
        }
        kernel.trace().event(TraceKind.LIBRARY, kernel.domid(), () -> "pid " + process.pid() + " " + detail.get());
    }

    private record DeviceBuffer(X86HypercallBuffer buffer, Mapping mapping) {}

    /** The pages behind one mapping ({@code privcmd_buf_vma_private}); given back once. */
    private final class Mapping {
        private final List<KernelBlock> pages;
        private boolean closed;

        Mapping(List<KernelBlock> pages) {
            this.pages = List.copyOf(pages);
        }

        void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                allocated -= pages.size();
            }
            pages.forEach(kernel::freeContiguous);
            long bytes = (long) pages.size() * pageSize.bytes();
            kernel.metrics().adjust(Gauge.DEVICE_BYTES_RESERVED, -bytes);
            kernel.metrics().adjust(Gauge.DEVICE_BYTES_USED, -bytes);
            trace(() -> "hypercall device mapping closed: " + pages.size() + " pages back to the kernel");
        }
    }
}
