package org.xencommlab.guest.balloon;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.abi.KernelHypercalls;
import org.xencommlab.guest.abi.KernelPlacement;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.xenstore.XenStore;

/**
 * A guest kernel's balloon driver (Linux's {@code drivers/xen/balloon.c}, reduced): it gives
 * frames back to the hypervisor and takes them again, using kernel memory only, through the run's
 * argument strategy ({@link KernelHypercalls}).
 *
 * <ul>
 *   <li>{@link #inflate}: takes frames out of the kernel's RAM
 *       ({@link FrameAllocator#balloonOut}, highest free first), then
 *       {@code XENMEM_decrease_reservation} of those frames, in as many hypercalls as the
 *       strategy's {@code split} needs (pointer: one, continued by the hypervisor; embedded: one
 *       per block). Xen frees extents in order and reports how many it did; the frames it did not
 *       take go back to the allocator ({@link FrameAllocator#balloonIn}).</li>
 *   <li>{@link #deflate}: {@code XENMEM_populate_physmap} of ballooned-out frames (lowest first),
 *       then {@link FrameAllocator#balloonIn} of the ones the hypervisor populated.</li>
 *   <li>Target mode: {@link #setTarget} inflates or deflates toward a number of pages; the driver
 *       watches {@code /local/domain/<domid>/memory/target} in the run's {@link XenStore} (in KiB,
 *       as xl writes it) and moves toward every target written, as soon as it is written (see
 *       {@link XenStore} for when watches fire).</li>
 * </ul>
 *
 * <p>The extent list of each round lives in one {@code kmalloc}'d arena, allocated before any
 * frame is taken so the balloon never starves its own arguments; when the kernel cannot give it,
 * the round is ENOMEM and nothing changes. Inflating by more than the kernel has free takes what
 * is free (Linux's balloon does the same and tries again later). Errors the driver meets are
 * counted in the run's errors when no hypercall returned them; the hypervisor counts its own.
 * Thread-safe: one operation at a time per driver.
 */
public final class BalloonDriver {
    private final GuestKernel kernel;
    private final KernelHypercalls calls;
    private final RunMetrics metrics;
    private final Trace trace;
    private final XenStore.Watch watch;
    private long pagesInflated;
    private long pagesDeflated;
    private long pagesRefused;
    private long hypercalls;
    private long targetPages = -1;
    private XenErrno lastError;

    BalloonDriver(GuestKernel kernel, KernelHypercalls calls, XenStore store, RunMetrics metrics, Trace trace) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.calls = requireNonNull(calls, "calls is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.watch = store.watch(XenStore.memoryTargetPath(kernel.domid()), kernel.domid(), (path, value) -> onTarget(value));
    }

    public GuestKernel kernel() {
        return kernel;
    }

    /** Pages of RAM the kernel holds now: its frames minus those ballooned out. */
    public long currentPages() {
        FrameAllocator frames = kernel.frameAllocator();
        return frames.totalFrames() - frames.count(FrameUse.BALLOONED);
    }

    /** The last target set, in pages, or -1 if none. */
    public synchronized long targetPages() {
        return targetPages;
    }

    /** Pages given to the hypervisor by this driver so far. */
    public synchronized long pagesInflated() {
        return pagesInflated;
    }

    /** Pages taken back from the hypervisor by this driver so far. */
    public synchronized long pagesDeflated() {
        return pagesDeflated;
    }

    /** Frames the hypervisor did not take or did not populate (they stayed where they were). */
    public synchronized long pagesRefused() {
        return pagesRefused;
    }

    /** Hypercalls this driver issued. */
    public synchronized long hypercalls() {
        return hypercalls;
    }

    /** The last error the driver met, or null. */
    public synchronized XenErrno lastError() {
        return lastError;
    }

    /**
     * Gives up to {@code pages} frames to the hypervisor.
     *
     * @return frames given (fewer than asked when the kernel had fewer free, or the hypervisor
     *     stopped early)
     * @throws XenException ENOMEM when no kernel memory is left for the extent list (nothing
     *     changed); EINVAL for a negative count
     */
    public synchronized long inflate(long pages) {
        checkCount(pages);
        FrameAllocator frames = kernel.frameAllocator();
        int want = (int) Math.min(pages, frames.freeFrames());
        if (want == 0) {
            return 0;
        }
        long given = 0;
        try (KernelPlacement arena = arenaFor(SubOps.MemoryOp.DECREASE_RESERVATION, want)) {
            // The arena took frames of its own; take what is still free.
            int count = (int) Math.min(want, frames.freeFrames());
            long[] gfns = frames.balloonOut(count);
            int offset = 0;
            for (HypercallRequest<ReservationOutcome> part : calls.split(request(SubOps.MemoryOp.DECREASE_RESERVATION, gfns))) {
                int n = ((ReservationRequest) part).nrExtents();
                long done = issue(arena, part, n);
                given += done;
                if (done < n) {
                    long[] refused = Arrays.copyOfRange(gfns, offset + (int) done, gfns.length);
                    frames.balloonIn(refused);
                    pagesRefused += refused.length;
                    break;
                }
                offset += n;
            }
        }
        pagesInflated += given;
        long done = given;
        trace.event(TraceKind.PAGING, kernel.domid(), () -> "balloon inflate " + pages + ": " + done + " pages given, "
                + currentPages() + " pages of RAM");
        return given;
    }

    /**
     * Takes up to {@code pages} ballooned-out frames back from the hypervisor.
     *
     * @return frames populated (fewer when fewer were ballooned out, or the hypervisor stopped:
     *     out of memory, or the domain's maximum reached)
     * @throws XenException ENOMEM when no kernel memory is left for the extent list (nothing
     *     changed); EINVAL for a negative count
     */
    public synchronized long deflate(long pages) {
        checkCount(pages);
        FrameAllocator frames = kernel.frameAllocator();
        long[] gfns = frames.balloonedFrames((int) Math.min(pages, Integer.MAX_VALUE));
        int count = gfns.length;
        if (count == 0) {
            return 0;
        }
        long taken = 0;
        try (KernelPlacement arena = arenaFor(SubOps.MemoryOp.POPULATE_PHYSMAP, count)) {
            int offset = 0;
            for (HypercallRequest<ReservationOutcome> part : calls.split(request(SubOps.MemoryOp.POPULATE_PHYSMAP, gfns))) {
                int n = ((ReservationRequest) part).nrExtents();
                long done = issue(arena, part, n);
                frames.balloonIn(gfns, offset, offset + (int) done);
                taken += done;
                if (done < n) {
                    pagesRefused += count - offset - done;
                    break;
                }
                offset += n;
            }
        }
        pagesDeflated += taken;
        long done = taken;
        trace.event(TraceKind.PAGING, kernel.domid(), () -> "balloon deflate " + pages + ": " + done + " pages back, "
                + currentPages() + " pages of RAM");
        return taken;
    }

    /**
     * Sets the target to {@code pages} of RAM and inflates or deflates toward it.
     *
     * @return pages of RAM held afterwards
     * @throws XenException EINVAL for a negative target; ENOMEM as {@link #inflate}
     */
    public synchronized long setTarget(long pages) {
        checkCount(pages);
        targetPages = pages;
        return reachTarget();
    }

    /** Moves toward the last target again (after a shortfall); returns pages of RAM held. */
    public synchronized long reachTarget() {
        if (targetPages < 0) {
            return currentPages();
        }
        long current = currentPages();
        if (targetPages < current) {
            inflate(current - targetPages);
        } else if (targetPages > current) {
            deflate(targetPages - current);
        }
        return currentPages();
    }

    /** Stops watching the target (the driver is unloaded; what is ballooned stays ballooned). */
    public void unload() {
        watch.cancel();
    }

    private void onTarget(String value) {
        long kib;
        try {
            kib = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            kib = -1;
        }
        if (kib < 0 || kib > Long.MAX_VALUE / 1024) {
            fail(new XenException(XenErrno.EINVAL, "memory target '" + value + "' is not a size in KiB"));
            return;
        }
        long pages = kib * 1024 / kernel.pageSize().bytes();
        try {
            setTarget(pages);
        } catch (XenException e) {
            fail(e);
        }
    }

    private synchronized void fail(XenException e) {
        lastError = e.errno();
        metrics.recordError(e.errno());
        trace.event(TraceKind.PAGING, kernel.domid(), () -> "balloon: " + e.getMessage());
    }

    private long issue(KernelPlacement arena, HypercallRequest<ReservationOutcome> part, int n) {
        hypercalls++;
        ReservationOutcome out = calls.call(arena, part);
        if (out.result() < 0) {
            lastError = XenErrno.fromResult(out.result()).orElse(XenErrno.EINVAL);
            return 0;
        }
        return Math.min(out.result(), n);
    }

    /** One arena big enough for the largest part of a request of {@code count} extents (the first). */
    private KernelPlacement arenaFor(int op, int count) {
        List<ReservationRequest> parts = calls.split(request(op, new long[count]));
        try {
            return calls.arenaFor(parts.get(0));
        } catch (XenException e) {
            fail(e);
            throw e;
        }
    }

    private static ReservationRequest request(int op, long[] gfns) {
        return new ReservationRequest(op, gfns, 0, 0, ReservationRequest.DOMID_SELF);
    }

    private static void checkCount(long pages) {
        if (pages < 0) {
            throw new XenException(XenErrno.EINVAL, "negative page count " + pages);
        }
    }
}
