package org.xencommlab.hypervisor.memory;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The machine's real memory: frames of the arch's page size holding real bytes, with Xen's page
 * accounting (owner and reference count per frame) and a frame allocator.
 *
 * <p>Frames are backed lazily ({@link FrameStore}): a frame's bytes are created on its first write
 * of a non-zero byte, a frame never written (or zeroed whole) reads as zero and has no array, so a
 * machine (or a guest) of gigabytes costs what it writes. Per-frame accounting is an owner and a reference count; the free pool is a stack of runs of frames, so a machine whose free frames lie in
 * few runs keeps a few words for them. Accounting ({@link FrameTable}) keeps a chunk of 1024
 * frames with one owner and one reference count each (free, or allocated as a run) in two ints.
 *
 * <p>Accounting follows Xen's {@code struct page_info}: an allocated frame has an owner domain and
 * a reference count of at least one (the allocation reference); {@link #get} adds a reference (a
 * pin), {@link #put} drops one, and the frame returns to the free pool only when its last
 * reference drops. A freed frame is scrubbed before anyone can get it again: its bytes are
 * discarded, so it reads as zero and costs nothing until written again.
 *
 * <p>The allocator hands out frames from a free stack in a deterministic order (lowest frame
 * first at boot; a freed frame is reused first). The stack is kept as runs: each run
 * {@code [start, end)} gives {@code start} first, and a freed frame just below the top run's start
 * extends that run, which is the same order as a stack of single frames. Allocation is all-or-nothing. Thread-safe:
 * accounting is under one lock; byte access to a frame does not take it (the caller guarantees
 * through its p2m lock that the frame it touches is one its domain holds).
 *
 * <p><b>Frame arrays are never reused.</b> A scrub detaches a frame's byte array (the slot becomes
 * empty) and never zeroes it in place, and a later owner's first write installs a fresh array. So
 * an array obtained with {@link #backingArray} while the caller's domain held the frame (checked
 * after obtaining it, e.g. by a p2m lock's optimistic stamp still being valid) only ever holds
 * bytes of that holding, even if it is read after the frame was freed and given to another
 * domain: {@link #read(byte[], int, byte[], int, int)} and {@link #readLong(byte[], int, ByteOrder)}
 * read such an array without any lock.
 */
@Singleton
public final class MachineMemory {
    /** Owner of a free frame. */
    public static final int NO_OWNER = -1;

    private final PageSize pageSize;
    private final int frameCount;
    private final FrameStore frames;
    /** The accounting: see {@link FrameTable}. */
    private final FrameTable table;
    /** The free stack as runs {@code [runStart[i], runEnd[i])}; the top run is at {@code runCount - 1}. */
    private int[] runStart = new int[16];
    private int[] runEnd = new int[16];
    private int runCount;
    private int freeCount;
    private final AtomicLong scrubbed = new AtomicLong();

    @Inject
    public MachineMemory(PageSize pageSize, HypervisorConfig config) {
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        long count = config.machineMemoryBytes() >>> pageSize.shift();
        if (count < 1 || count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("machine memory of " + config.machineMemoryBytes()
                    + " bytes is not 1 .. 2^31 frames of " + pageSize.bytes() + " bytes");
        }
        this.frameCount = (int) count;
        this.frames = new FrameStore(frameCount, pageSize.bytes());
        this.table = new FrameTable(frameCount, NO_OWNER);
        runStart[0] = 0;
        runEnd[0] = frameCount;
        runCount = 1;
        this.freeCount = frameCount;
    }

    public PageSize pageSize() {
        return pageSize;
    }

    /** Frames of machine memory in all. */
    public int frameCount() {
        return frameCount;
    }

    // ---- allocation and references ----

    /**
     * Allocates {@code count} frames to domain {@code domid}, each with one (allocation) reference,
     * all or nothing.
     *
     * @return the machine frame numbers, or null if machine memory has fewer free frames
     */
    public synchronized int[] allocate(int domid, int count) {
        if (count < 0 || domid < 0) {
            throw new IllegalArgumentException("bad allocation of " + count + " frames for d" + domid);
        }
        if (count > freeCount) {
            return null;
        }
        int[] mfns = new int[count];
        int i = 0;
        while (i < count) {
            // A run from the top of the stack is accounted at once (whole chunks stay compact).
            int top = runCount - 1;
            int first = runStart[top];
            int take = Math.min(count - i, runEnd[top] - first);
            runStart[top] += take;
            if (runStart[top] == runEnd[top]) {
                runCount--;
            }
            freeCount -= take;
            table.setRange(first, first + take, domid, 1);
            for (int k = 0; k < take; k++) {
                mfns[i++] = first + k;
            }
        }
        return mfns;
    }

    /**
     * Allocates {@code 2^order} machine-contiguous frames starting at a multiple of {@code 2^order}
     * to domain {@code domid}, each with one (allocation) reference: the lowest such free run, as
     * an extent from Xen's buddy allocator ({@code alloc_domheap_pages}) is contiguous and aligned.
     * The other free frames keep their order in the free stack.
     *
     * @return the first frame, or -1 (nothing allocated) if no aligned run of that size is free
     */
    public synchronized int allocateAligned(int domid, int order) {
        if (order < 0 || order > 30 || domid < 0) {
            throw new IllegalArgumentException("bad aligned allocation of order " + order + " for d" + domid);
        }
        long count = 1L << order;
        for (long base = 0; base + count <= frameCount; base += count) {
            long busy = -1;
            for (long f = base; f < base + count; f++) {
                if (table.refs((int) f) != 0) {
                    busy = f;
                    break;
                }
            }
            if (busy >= 0) {
                continue;
            }
            int first = (int) base;
            int end = (int) (base + count);
            table.setRange(first, end, domid, 1);
            removeFree(first, end);
            return first;
        }
        return -1;
    }

    /**
     * Takes an extra reference on an allocated frame owned by {@code domid}.
     *
     * @return false, taking nothing, if the frame is free or owned by another domain
     */
    public synchronized boolean get(int mfn, int domid) {
        int refs = isValid(mfn) ? table.refs(mfn) : 0;
        if (refs == 0 || table.owner(mfn) != domid || refs == Integer.MAX_VALUE) {
            return false;
        }
        table.set(mfn, domid, refs + 1);
        return true;
    }

    /**
     * Drops one reference; the last one frees the frame (scrubbed, back to the free pool).
     *
     * @return true if this freed the frame
     * @throws IllegalStateException if the frame holds no reference (an accounting bug)
     */
    public synchronized boolean put(int mfn) {
        int refs = isValid(mfn) ? table.refs(mfn) : 0;
        if (refs == 0) {
            throw new IllegalStateException("put of a free frame " + mfn);
        }
        if (refs > 1) {
            table.set(mfn, table.owner(mfn), refs - 1);
            return false;
        }
        scrub(mfn);
        table.set(mfn, NO_OWNER, 0);
        pushFree(mfn);
        return true;
    }

    /**
     * Drops every reference a frame holds (its allocation reference and any pins left), freeing
     * it; used when a domain is destroyed.
     *
     * @return the references dropped beyond the allocation reference (pins that were leaked)
     */
    public synchronized int reclaim(int mfn) {
        int refs = isValid(mfn) ? table.refs(mfn) : 0;
        if (refs == 0) {
            throw new IllegalStateException("reclaim of a free frame " + mfn);
        }
        int extra = refs - 1;
        table.set(mfn, table.owner(mfn), 1);
        put(mfn);
        return extra;
    }

    /** The reference count of a frame; 0 when it is free. */
    public synchronized int refCount(int mfn) {
        return isValid(mfn) ? table.refs(mfn) : 0;
    }

    /** The owner of a frame, or {@link #NO_OWNER}. */
    public synchronized int owner(int mfn) {
        return isValid(mfn) ? table.owner(mfn) : NO_OWNER;
    }

    public synchronized int freeFrames() {
        return freeCount;
    }

    public synchronized int allocatedFrames() {
        return frameCount - freeCount;
    }

    /** Recounts, from the ownership table itself, the frames {@code domid} owns. */
    public synchronized int countOwnedBy(int domid) {
        return table.countOwnedBy(domid);
    }

    /**
     * Recounts, from the ownership table itself, the frames each of {@code domids} owns, in one pass
     * over the table: element {@code i} of the result is what {@link #countOwnedBy}{@code (domids[i])}
     * returns. {@code domids} must be ascending and without repeats.
     */
    public synchronized int[] countOwnedByEach(int[] domids) {
        requireNonNull(domids, "domids is null");
        for (int i = 1; i < domids.length; i++) {
            if (domids[i] <= domids[i - 1]) {
                throw new IllegalArgumentException("domids are not ascending: " + Arrays.toString(domids));
            }
        }
        return table.countOwnedByEach(domids);
    }

    /** A read of the frame accounting for an audit; see {@link #inspect}. Valid only inside that call. */
    public interface FrameInspector {
        /** As {@link MachineMemory#owner}. */
        int owner(int mfn);

        /** As {@link MachineMemory#refCount}. */
        int refCount(int mfn);

        /**
         * Whether every frame {@code mfn .. mfn + count - 1} is a frame of this machine owned by
         * {@code domid} with at least one reference: if so, how many of them have more than one
         * reference; if not, -1.
         */
        int pinnedIfAllHeldBy(int domid, int mfn, int count);
    }

    /**
     * Runs {@code reader} under the accounting lock, so that an audit reads every frame it needs
     * with one lock instead of one per frame, and sees one consistent state. The inspector must not
     * be used after {@code reader} returns. Lock order: a caller holding a domain's lock may call
     * this (domain, then machine memory), as allocation does.
     */
    public synchronized void inspect(java.util.function.Consumer<FrameInspector> reader) {
        requireNonNull(reader, "reader is null");
        Thread outer = inspecting;
        inspecting = Thread.currentThread();
        try {
            reader.accept(inspector);
        } finally {
            inspecting = outer;
        }
    }

    /** The thread inside {@link #inspect} (written under the lock), or null. */
    private Thread inspecting;

    private final FrameInspector inspector = new FrameInspector() {
        @Override
        public int owner(int mfn) {
            checkInspecting();
            return isValid(mfn) ? table.owner(mfn) : NO_OWNER;
        }

        @Override
        public int refCount(int mfn) {
            checkInspecting();
            return isValid(mfn) ? table.refs(mfn) : 0;
        }

        @Override
        public int pinnedIfAllHeldBy(int domid, int mfn, int count) {
            checkInspecting();
            if (count < 1 || mfn < 0 || mfn > frameCount - count) {
                return -1;
            }
            return table.pinnedIfAllHeldBy(domid, mfn, mfn + count);
        }

        private void checkInspecting() {
            // Cheaper than Thread.holdsLock per run; only the thread inside inspect matches.
            if (inspecting != Thread.currentThread()) {
                throw new IllegalStateException("a frame inspector used outside MachineMemory.inspect");
            }
        }
    };

    /** Recounts the frames with a reference count of zero; must equal {@link #freeFrames()}. */
    public synchronized int countUnreferenced() {
        return table.countUnreferenced();
    }

    /** Chunks of the accounting table stored frame by frame (the rest cost two ints each). */
    public synchronized int explicitAccountingChunks() {
        return table.explicitChunks();
    }

    /** Frames scrubbed on their way back to the free pool, since boot. */
    public long scrubbedFrames() {
        return scrubbed.get();
    }

    /** Frames that hold a backing array now (what the machine really costs). */
    public long backedFrames() {
        return frames.backedFrames();
    }

    /** Runs the free stack is kept in now (a measure of how fragmented the free pool is). */
    public synchronized int freeRuns() {
        return runCount;
    }

    private void scrub(int mfn) {
        // Discarding the bytes is the scrub: the frame reads as zero again, for its next owner,
        // and a copy still racing with the free can only see the discarded array. Never zero the
        // array in place instead: lock-free readers rely on an array never changing hands.
        frames.discard(mfn);
        scrubbed.incrementAndGet();
    }

    /** Puts {@code mfn} on top of the free stack. */
    private void pushFree(int mfn) {
        if (runCount > 0 && runStart[runCount - 1] == mfn + 1) {
            runStart[runCount - 1] = mfn;
        } else {
            ensureRuns(runCount + 1);
            runStart[runCount] = mfn;
            runEnd[runCount] = mfn + 1;
            runCount++;
        }
        freeCount++;
    }

    /** Removes the free frames in {@code [first, end)} from the stack, keeping the others' order. */
    private void removeFree(int first, int end) {
        int i = 0;
        while (i < runCount) {
            int s = runStart[i];
            int e = runEnd[i];
            if (e <= first || s >= end) {
                i++;
                continue;
            }
            freeCount -= Math.min(e, end) - Math.max(s, first);
            boolean below = s < first;
            boolean above = e > end;
            if (below && above) {
                // [s, first) is given before [end, e): it goes on top of it.
                ensureRuns(runCount + 1);
                System.arraycopy(runStart, i + 1, runStart, i + 2, runCount - i - 1);
                System.arraycopy(runEnd, i + 1, runEnd, i + 2, runCount - i - 1);
                runStart[i] = end;
                runEnd[i] = e;
                runStart[i + 1] = s;
                runEnd[i + 1] = first;
                runCount++;
                i += 2;
            } else if (below) {
                runEnd[i] = first;
                i++;
            } else if (above) {
                runStart[i] = end;
                i++;
            } else {
                System.arraycopy(runStart, i + 1, runStart, i, runCount - i - 1);
                System.arraycopy(runEnd, i + 1, runEnd, i, runCount - i - 1);
                runCount--;
            }
        }
    }

    private void ensureRuns(int needed) {
        if (needed > runStart.length) {
            int size = Math.max(needed, runStart.length * 2);
            runStart = Arrays.copyOf(runStart, size);
            runEnd = Arrays.copyOf(runEnd, size);
        }
    }

    private boolean isValid(int mfn) {
        return mfn >= 0 && mfn < frameCount;
    }

    // ---- bytes; callers pass a frame they hold and a range inside one page ----

    /**
     * Frame {@code mfn}'s byte array now, or null while the frame reads as zero (never written
     * since it was allocated), for a lock-free reader: see the class comment for when the caller
     * may read the array after it let go of its domain's lock.
     */
    public byte[] backingArray(int mfn) {
        return frames.array(mfn);
    }

    /**
     * Copies {@code length} bytes at {@code offset} of a frame's array, obtained with
     * {@link #backingArray} (null reads as zero), into {@code dst}.
     */
    public void read(byte[] backing, int offset, byte[] dst, int dstOffset, int length) {
        frames.read(backing, offset, dst, dstOffset, length);
    }

    /** Reads an aligned 64-bit word of a frame's array obtained with {@link #backingArray} (null reads as zero). */
    public long readLong(byte[] backing, int offset, ByteOrder order) {
        return frames.readLong(backing, offset, order);
    }

    /** Copies {@code length} bytes at {@code offset} of frame {@code mfn} into {@code dst}. */
    public void read(int mfn, int offset, byte[] dst, int dstOffset, int length) {
        frames.read(mfn, offset, dst, dstOffset, length);
    }

    /**
     * Copies {@code length} bytes from {@code src} to frame {@code mfn} at {@code offset}; a frame
     * with no array gets one only if a byte written is not zero.
     */
    public void write(int mfn, int offset, byte[] src, int srcOffset, int length) {
        frames.write(mfn, offset, src, srcOffset, length);
    }

    /** Zeroes {@code length} bytes of frame {@code mfn} at {@code offset}; a whole frame drops its array. */
    public void zero(int mfn, int offset, int length) {
        frames.zero(mfn, offset, length);
    }

    /** Reads an aligned 64-bit word. */
    public long readLong(int mfn, int offset, ByteOrder order) {
        return frames.readLong(mfn, offset, order);
    }

    /** Writes an aligned 64-bit word. */
    public void writeLong(int mfn, int offset, long value, ByteOrder order) {
        frames.writeLong(mfn, offset, value, order);
    }
}
