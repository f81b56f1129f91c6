package org.xencommlab.arch.x86.guest;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;

/**
 * The mail's buffer API as libxc did it on x86 before the hypercall device: buffers are anonymous
 * memory, touched so that every page is present and writable, and mlocked for their whole life, so
 * that the swapper leaves them alone while the hypervisor walks the tool's page tables.
 *
 * <p>mlock is not reference counted: {@code munlock} of a range unlocks every page it touches,
 * whoever else locked it. So where buffers lie matters:
 * <ul>
 *   <li>{@link X86BufferConfig.Alignment#PAGE} (libxc since 2008): each buffer is its own
 *       {@code mmap} of whole pages; freeing one ({@code munlock}, {@code munmap}) never touches a
 *       page of another.</li>
 *   <li>{@link X86BufferConfig.Alignment#NONE} (libxc before): buffers come from a malloc-like heap
 *       (glibc's 16-byte chunk header and alignment, a heap grown in 128 KiB segments, larger
 *       requests mmapped alone but still 16 bytes past the page start), so neighbours share pages.
 *       Each buffer locks and unlocks exactly its own byte range, which the kernel rounds to
 *       pages; freeing one buffer therefore unlocks the page its neighbour still needs, the
 *       swapper may evict that page, and the neighbour's next hypercall fails with -EFAULT.</li>
 * </ul>
 * libxc also marked its buffers {@code MADV_DONTFORK} so that a fork cannot make them
 * copy-on-write; the lab has no fork, so that is not modelled.
 *
 * <p>The API is meant for one thread of one process, as a libxc handle; it takes no lock of its
 * own across a system call. When the process exits or is killed the kernel unlocks and unmaps
 * everything, and the API forgets its buffers ({@link UserProcessServices#atExit}).
 */
public final class MlockedBufferApi implements HypercallBufferApi {
    /** glibc's malloc chunk header (prev_size and size) that precedes every returned pointer. */
    static final int MALLOC_HEADER = 16;
    /** glibc's MALLOC_ALIGNMENT on x86-64. */
    static final int MALLOC_ALIGNMENT = 16;
    /** glibc's default M_MMAP_THRESHOLD: larger chunks get an mmap of their own. */
    static final long MMAP_THRESHOLD = 128 * 1024;
    /** Pages the simulated heap grows by. */
    static final int HEAP_SEGMENT_PAGES = 32;

    private final UserProcessServices process;
    private final X86BufferConfig.Alignment alignment;
    private final boolean locking;
    private final PageSize pageSize;
    private final byte[] touchByte = new byte[1];

    private final Object lock = new Object();
    private final Map<Long, X86HypercallBuffer> live = new LinkedHashMap<>();
    private final Map<Long, Segment> segmentOf = new LinkedHashMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private Segment heapTop;
    private long nextId = 1;
    private boolean exited;

    /** Opens the API for {@code process}; its buffers are forgotten when the process exits. */
    public MlockedBufferApi(UserProcessServices process, X86BufferConfig.Alignment alignment) {
        this(process, alignment, true);
    }

    /**
     * Buffers placed by {@code alignment}; with {@code locking} false they are touched but never
     * mlocked ({@code buffers=unlocked}), to show what the swapper does to them.
     */
    public MlockedBufferApi(UserProcessServices process, X86BufferConfig.Alignment alignment, boolean locking) {
        this.process = requireNonNull(process, "process is null");
        this.alignment = requireNonNull(alignment, "alignment is null");
        this.locking = locking;
        this.pageSize = process.pageSize();
        process.atExit(this::processExited);
    }

    /**
     * {@inheritDoc}
     *
     * @throws XenException EINVAL for {@code nrPages <= 0}; ESRCH if the process is gone; the
     *     errno of a failed {@code mmap} or {@code mlock} (ENOMEM beyond the locked-memory limit),
     *     in which case nothing stays mapped or locked for this buffer
     */
    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        if (nrPages <= 0) {
            // A refusal this API makes itself is counted here, once (HypercallBufferApi#allocBuf).
            process.kernel().metrics().recordError(XenErrno.EINVAL);
            throw new XenException(XenErrno.EINVAL, "alloc_buf of " + nrPages + " pages");
        }
        checkAlive();
        long capacity = (long) nrPages * pageSize.bytes();
        return alignment == X86BufferConfig.Alignment.PAGE ? allocAligned(nrPages, capacity) : allocPacked(nrPages, capacity);
    }

    private HypercallBuffer allocAligned(int nrPages, long capacity) {
        long address = process.mmapAnonymous(capacity);
        try {
            touchAndLock(address, capacity);
        } catch (XenException e) {
            if (process.isAlive()) {
                process.munmap(address, capacity);
            }
            throw e;
        }
        return register(nrPages, address, capacity, null);
    }

    private HypercallBuffer allocPacked(int nrPages, long capacity) {
        long chunk = alignUp(capacity + MALLOC_HEADER, MALLOC_ALIGNMENT);
        Segment segment;
        long offset;
        if (chunk >= MMAP_THRESHOLD) {
            segment = mapSegment(pageSize.pagesFor(chunk), false);
            offset = reserve(segment, chunk);
        } else {
            synchronized (lock) {
                segment = heapTop != null && heapTop.fits(chunk) ? heapTop : null;
                offset = segment != null ? segment.reserve(chunk) : -1;
            }
            if (segment == null) {
                segment = mapSegment(HEAP_SEGMENT_PAGES, true);
                offset = reserve(segment, chunk);
            }
        }
        long address = segment.base + offset + MALLOC_HEADER;
        try {
            touchAndLock(address, capacity);
        } catch (XenException e) {
            // Nothing of this buffer is locked (a failed mlock locks nothing); its neighbours keep theirs.
            dropFromSegment(segment);
            throw e;
        }
        return register(nrPages, address, capacity, segment);
    }

    private long reserve(Segment segment, long chunk) {
        synchronized (lock) {
            return segment.reserve(chunk);
        }
    }

    private Segment mapSegment(long pages, boolean heap) {
        long length = pages * pageSize.bytes();
        long base = process.mmapAnonymous(length);
        Segment segment = new Segment(base, length);
        synchronized (lock) {
            segments.add(segment);
            if (heap) {
                heapTop = segment;
            }
        }
        return segment;
    }

    private void dropFromSegment(Segment segment) {
        boolean unmap;
        synchronized (lock) {
            segment.live--;
            unmap = segment.live == 0 && !exited;
            if (unmap) {
                segments.remove(segment);
                if (heapTop == segment) {
                    heapTop = null;
                }
            }
        }
        if (unmap && process.isAlive()) {
            process.munmap(segment.base, segment.length);
        }
    }

    /** libxc's touch loop (one store per page breaks copy-on-write), then {@code mlock}. */
    private void touchAndLock(long address, long length) {
        long end = address + length;
        for (long page = pageSize.roundDown(address); page < end; page += pageSize.bytes()) {
            // Only the buffer's own bytes are written: a shared page's other bytes belong to a neighbour.
            process.writeMemory(Math.max(page, address), touchByte, 0, 1);
        }
        if (locking) {
            process.mlock(address, length);
        }
    }

    private HypercallBuffer register(int nrPages, long address, long capacity, Segment segment) {
        X86HypercallBuffer buffer;
        synchronized (lock) {
            if (exited) {
                throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " exited");
            }
            buffer = new X86HypercallBuffer(process, nextId++, nrPages, address, capacity);
            live.put(buffer.id(), buffer);
            if (segment != null) {
                segmentOf.put(buffer.id(), segment);
            }
        }
        trace(() -> "alloc_buf(" + nrPages + ") = buffer " + buffer.id() + " at 0x" + Long.toHexString(address)
                + ", " + pageSize.pagesSpanned(address, capacity) + " pages " + (locking ? "mlocked" : "left unlocked") + " (align=" + alignment.parameterValue() + ")");
        return buffer;
    }

    /**
     * {@inheritDoc}
     *
     * @throws XenException EINVAL for a buffer that is not a live buffer of this API; ESRCH if
     *     the process is gone
     */
    @Override
    public void freeBuf(HypercallBuffer buffer) {
        requireNonNull(buffer, "buffer is null");
        checkAlive();
        Segment segment;
        synchronized (lock) {
            if (exited) {
                throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " exited");
            }
            if (live.get(buffer.id()) != buffer) {
                throw new XenException(XenErrno.EINVAL, "not a live buffer of process " + process.pid() + ": " + buffer);
            }
            live.remove(buffer.id());
            segment = segmentOf.remove(buffer.id());
            ((X86HypercallBuffer) buffer).markReleased();
        }
        if (locking) {
            process.munlock(buffer.userAddress(), buffer.capacity());
        }
        if (segment == null) {
            process.munmap(buffer.userAddress(), buffer.capacity());
        } else {
            dropFromSegment(segment);
        }
        trace(() -> "free_buf(" + buffer.id() + "): munlocked " + pageSize.pagesSpanned(buffer.userAddress(), buffer.capacity()) + " pages");
    }

    /** Buffers allocated and not yet freed, in allocation order. */
    public List<HypercallBuffer> liveBuffers() {
        synchronized (lock) {
            return List.copyOf(live.values());
        }
    }

    private void processExited() {
        // The kernel's exit unlocks and unmaps everything; only the bookkeeping is left to drop.
        synchronized (lock) {
            exited = true;
            live.values().forEach(X86HypercallBuffer::markReleased);
            live.clear();
            segmentOf.clear();
            segments.clear();
            heapTop = null;
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " is not alive");
        }
    }

    private void trace(java.util.function.Supplier<String> detail) {
        if (!process.kernel().trace().enabled()) {
            return;
        }
        process.kernel().trace().event(TraceKind.LIBRARY, process.kernel().domid(), () -> "pid " + process.pid() + " " + detail.get());
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** An mmapped piece of the simulated malloc heap, carved by a bump pointer. */
    private static final class Segment {
        final long base;
        final long length;
        long top;
        int live;

        Segment(long base, long length) {
            this.base = base;
            this.length = length;
        }

        boolean fits(long chunk) {
            return top + chunk <= length;
        }

        long reserve(long chunk) {
            long offset = top;
            top += chunk;
            live++;
            return offset;
        }
    }
}
