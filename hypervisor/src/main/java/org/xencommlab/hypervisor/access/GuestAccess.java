package org.xencommlab.hypervisor.access;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * Xen's {@code copy_from_guest}/{@code copy_to_guest} for one hypervisor entry: the one place the
 * hypervisor moves bytes between its memory and a guest's for handlers.
 *
 * <p>A copy opens the reference with the calling domain's {@link DomainArchState} (a refusal is a
 * fault of the whole copy), then goes piece by piece: a scheduling point
 * ({@code GUEST_READ}/{@code GUEST_WRITE}), the arch's translation of the piece's first byte to a
 * guest-physical address, and one bulk copy from there at most to the end of that guest page
 * through the calling domain's {@link GuestPhysicalMemory}. Translation and copy of a piece are
 * not separated by a scheduling point, as a real copy with a page walk is atomic per page.
 *
 * <p>Before the first byte the arch is asked whether the range is acceptable as a whole
 * ({@link GuestHandleResolver#accessOk}, Xen's {@code access_ok}): a range that wraps past the top
 * of the address space is a fault of the whole copy, with nothing copied.
 *
 * <p>A fault (refused reference, untranslatable byte, frame that is no longer RAM, negative or
 * overflowing length or offset) stops the copy; everything before it was copied; the result is
 * the number of bytes not copied, {@code HYPERVISOR_FAULTS} counts it and the trace shows it.
 * The bytes copied are added to {@code BYTES_TO_HYPERVISOR}/{@code BYTES_TO_GUEST} once, when the
 * copy ends (completed, faulted, or left by an exception from a scheduling point); the region is
 * asked to defer its own counts ({@link GuestRegion#deferCountsUntilClose()}) and closed then too.
 * For a negative length, the result is its magnitude (never 0). Nothing here throws for guest
 * input.
 */
public final class GuestAccess implements GuestCopy {
    private final HypercallContext context;
    private final GuestHandleResolver resolver;
    private final DomainArchState domainState;
    private final Scheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final GuestPhysicalMemory memory;
    private final PageSize pageSize;

    /**
     * @param resolver the arch's hypervisor half, asked {@link GuestHandleResolver#accessOk}
     * @param domainState the calling domain's arch state, which opens and advances its references
     */
    public GuestAccess(HypercallContext context, GuestHandleResolver resolver, DomainArchState domainState,
            Scheduler scheduler, RunMetrics metrics, Trace trace) {
        this.context = requireNonNull(context, "context is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.domainState = requireNonNull(domainState, "domainState is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.memory = context.memory();
        this.pageSize = memory.pageSize();
    }

    @Override
    public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        return copy(GuestAccessKind.READ, dst, dstOffset, ref, offset, length);
    }

    @Override
    public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        return copy(GuestAccessKind.WRITE, src, srcOffset, ref, offset, length);
    }

    /** Asks the arch ({@link GuestHandleResolver#accessOk}); a null reference is refused. */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        return ref != null && offset >= 0 && length >= 0 && offset <= Long.MAX_VALUE - length
                && resolver.accessOk(ref, offset, length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Asks the calling domain's arch state; a negative {@code bytes} is refused with EINVAL.
     */
    @Override
    public MemoryReference advance(MemoryReference ref, long bytes) {
        if (bytes < 0) {
            throw new org.xencommlab.api.errno.XenException(org.xencommlab.api.errno.XenErrno.EINVAL,
                    "cannot advance a reference by " + bytes + " bytes");
        }
        return domainState.advance(context, ref, bytes);
    }

    private long copy(GuestAccessKind kind, byte[] buffer, int bufferOffset, MemoryReference ref, long offset, int length) {
        requireNonNull(buffer, "buffer is null");
        if (length < 0) {
            return fault(kind, ref, offset, -(long) length, "negative length " + length);
        }
        if (length == 0) {
            return 0;
        }
        if (ref == null || bufferOffset < 0 || bufferOffset > buffer.length - length) {
            return fault(kind, ref, offset, length, "bad buffer " + bufferOffset + "+" + length);
        }
        if (offset > Long.MAX_VALUE - length) {
            return fault(kind, ref, offset, length, "offset + length overflows");
        }
        // A negative offset is the region's to refuse (it faults at its first translate).
        if (offset >= 0 && !resolver.accessOk(ref, offset, length)) {
            return fault(kind, ref, offset, length, "range refused as a whole (access_ok)");
        }
        GuestRegion region;
        try {
            region = domainState.open(context, ref, kind);
        } catch (XenException e) {
            return fault(kind, ref, offset, length, "refused: " + e.getMessage());
        }
        if (region == null) {
            return fault(kind, ref, offset, length, "no region");
        }
        SchedulingPoint point = kind == GuestAccessKind.READ ? SchedulingPoint.GUEST_READ : SchedulingPoint.GUEST_WRITE;
        int domid = context.domid();
        int done = 0;
        try {
            region.deferCountsUntilClose();
            while (done < length) {
                scheduler.reached(point, domid);
                long address = region.translate(offset + done);
                if (address < 0) {
                    return fault(kind, ref, offset + done, length - done, "untranslatable (" + address + ")");
                }
                int piece = Math.min(length - done, pageSize.bytesToPageEnd(address));
                try {
                    if (kind == GuestAccessKind.READ) {
                        memory.read(address, buffer, bufferOffset + done, piece);
                    } else {
                        memory.write(address, buffer, bufferOffset + done, piece);
                    }
                } catch (XenException e) {
                    return fault(kind, ref, offset + done, length - done, "0x" + Long.toHexString(address) + ": " + e.getMessage());
                }
                done += piece;
            }
            return 0;
        } finally {
            // The bytes of every piece copied (and the region's translation steps) are added once
            // per copy rather than once per piece: the same totals, however the copy ends.
            region.close();
            if (done > 0) {
                metrics.add(kind == GuestAccessKind.READ ? Counter.BYTES_TO_HYPERVISOR : Counter.BYTES_TO_GUEST, done);
            }
        }
    }

    private long fault(GuestAccessKind kind, MemoryReference ref, long offset, long notCopied, String why) {
        metrics.increment(Counter.HYPERVISOR_FAULTS);
        if (trace.enabled()) {
            trace.event(TraceKind.FAULT, context.domid(), () -> (kind == GuestAccessKind.READ ? "copy_from_guest " : "copy_to_guest ")
                    + ref + " +" + offset + ": " + why + ", " + notCopied + " bytes not copied");
        }
        return notCopied;
    }
}
