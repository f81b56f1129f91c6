package org.xencommlab.guest.memory;

import static java.util.Objects.requireNonNull;

import java.util.BitSet;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The guest kernel's allocator of guest frames (Linux's page allocator, reduced to what the lab
 * needs): which frame holds what, and which are free.
 *
 * <p>Deterministic: a single frame comes from the lowest free frame number (or the highest, for
 * compaction's migration targets), a run from the lowest run that fits. The frame's use is
 * recorded, so the truth can be recounted from {@link #useOf}. Frames a balloon driver takes out
 * ({@link #balloonOut}) are no longer RAM to the kernel until {@link #balloonIn} gives them back;
 * frames above the boot memory start ballooned out, so a balloon can grow the domain up to its
 * maximum. Thread-safe. Frames are handed out with whatever bytes they last held: callers zero
 * them.
 *
 * <p>Compact: a frame's use is one byte ({@link FrameUse#ordinal()}) and the free frames are a
 * bitset, so a domain of 1 GiB (262,144 frames of 4 KiB) costs about 290 KiB of Java heap here.
 */
public final class FrameAllocator {
    private final int totalFrames;
    private static final FrameUse[] USES = FrameUse.values();
    private static final byte FREE = (byte) FrameUse.FREE.ordinal();
    private static final byte BALLOONED = (byte) FrameUse.BALLOONED.ordinal();

    /** Each frame's use, as {@link FrameUse#ordinal()}. */
    private final byte[] uses;
    private final BitSet free;
    private final long[] counts = new long[FrameUse.values().length];

    /**
     * @param totalFrames frames the domain may ever hold (its maximum reservation)
     * @param ramFrames frames it holds at boot: 0 .. ramFrames - 1
     * @param reservedFrames frames from 0 kept by the kernel
     */
    public FrameAllocator(long totalFrames, long ramFrames, long reservedFrames) {
        if (totalFrames <= 0 || totalFrames > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("totalFrames out of range: " + totalFrames);
        }
        if (ramFrames < 0 || ramFrames > totalFrames) {
            throw new IllegalArgumentException("ramFrames out of range: " + ramFrames);
        }
        if (reservedFrames < 0 || reservedFrames > ramFrames) {
            throw new IllegalArgumentException("reservedFrames out of range: " + reservedFrames);
        }
        this.totalFrames = (int) totalFrames;
        this.uses = new byte[this.totalFrames];
        this.free = new BitSet(this.totalFrames);
        java.util.Arrays.fill(uses, 0, (int) reservedFrames, (byte) FrameUse.RESERVED.ordinal());
        java.util.Arrays.fill(uses, (int) reservedFrames, (int) ramFrames, FREE);
        java.util.Arrays.fill(uses, (int) ramFrames, this.totalFrames, BALLOONED);
        counts[FrameUse.RESERVED.ordinal()] = reservedFrames;
        counts[FrameUse.FREE.ordinal()] = ramFrames - reservedFrames;
        counts[FrameUse.BALLOONED.ordinal()] = totalFrames - ramFrames;
        free.set((int) reservedFrames, (int) ramFrames);
    }

    public long totalFrames() {
        return totalFrames;
    }

    /** The lowest free frame, now used for {@code use}, or -1 if none is free. */
    public synchronized long allocate(FrameUse use) {
        checkAllocatable(use);
        int gfn = free.nextSetBit(0);
        if (gfn < 0) {
            return -1;
        }
        take(gfn, use);
        return gfn;
    }

    /** The highest free frame (compaction's free scanner starts at the top), or -1. */
    public synchronized long allocateHighest(FrameUse use) {
        checkAllocatable(use);
        int gfn = free.previousSetBit(totalFrames - 1);
        if (gfn < 0) {
            return -1;
        }
        take(gfn, use);
        return gfn;
    }

    /** The first frame of the lowest run of {@code count} free frames, now used for {@code use}, or -1. */
    public synchronized long allocateRun(int count, FrameUse use) {
        checkAllocatable(use);
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        int start = free.nextSetBit(0);
        while (start >= 0) {
            int end = free.nextClearBit(start);
            if (end - start >= count) {
                for (int gfn = start; gfn < start + count; gfn++) {
                    take(gfn, use);
                }
                return start;
            }
            start = free.nextSetBit(end);
        }
        return -1;
    }

    /** Frees a frame handed out by this allocator. */
    public synchronized void free(long gfn) {
        checkInUse(gfn);
        release((int) gfn);
    }

    /** Frees a run from {@link #allocateRun}. */
    public synchronized void freeRun(long first, int count) {
        for (long gfn = first; gfn < first + count; gfn++) {
            checkInUse(gfn);
        }
        for (long gfn = first; gfn < first + count; gfn++) {
            release((int) gfn);
        }
    }

    /** What frame {@code gfn} holds; {@link FrameUse#BALLOONED} for frames outside the domain. */
    public synchronized FrameUse useOf(long gfn) {
        if (gfn < 0 || gfn >= totalFrames) {
            return FrameUse.BALLOONED;
        }
        return USES[uses[(int) gfn]];
    }

    /** Frames now used for {@code use}. */
    public synchronized long count(FrameUse use) {
        return counts[use.ordinal()];
    }

    public synchronized long freeFrames() {
        return counts[FrameUse.FREE.ordinal()];
    }

    /** Frames handed out (kernel, page tables, user pages), reserved frames excluded. */
    public synchronized long framesInUse() {
        return counts[FrameUse.KERNEL.ordinal()] + counts[FrameUse.PAGE_TABLE.ordinal()] + counts[FrameUse.USER.ordinal()];
    }

    /**
     * For a balloon driver: takes {@code count} free frames out of the kernel's RAM, highest
     * first, and returns their frame numbers; the driver then hands them to the hypervisor.
     *
     * @throws XenException ENOMEM, taking nothing, when fewer than {@code count} frames are free
     */
    public synchronized long[] balloonOut(int count) {
        if (count < 0) {
            throw new XenException(XenErrno.EINVAL, "negative balloon count " + count);
        }
        if (counts[FrameUse.FREE.ordinal()] < count) {
            throw new XenException(XenErrno.ENOMEM, "only " + counts[FrameUse.FREE.ordinal()] + " free frames, balloon wants " + count);
        }
        long[] gfns = new long[count];
        int from = totalFrames - 1;
        for (int i = 0; i < count; i++) {
            int gfn = free.previousSetBit(from);
            take(gfn, FrameUse.BALLOONED);
            gfns[i] = gfn;
            from = gfn - 1;
        }
        return gfns;
    }

    /**
     * For a balloon driver: gives frames back to the kernel as free RAM once the hypervisor has
     * populated them again.
     *
     * @throws XenException EINVAL, changing nothing, if any frame is not ballooned out (or repeats)
     */
    public synchronized void balloonIn(long[] gfns) {
        requireNonNull(gfns, "gfns is null");
        balloonIn(gfns, 0, gfns.length);
    }

    /**
     * {@link #balloonIn(long[])} of {@code gfns[from .. to)}.
     *
     * @throws XenException EINVAL, changing nothing, if any frame is not ballooned out (or repeats)
     */
    public synchronized void balloonIn(long[] gfns, int from, int to) {
        requireNonNull(gfns, "gfns is null");
        java.util.Objects.checkFromToIndex(from, to, gfns.length);
        // A repeat is found by marking each frame FREE as it is checked: a second sight of it is
        // then not BALLOONED. The marks are undone if any frame is refused.
        int i = from;
        for (; i < to; i++) {
            long gfn = gfns[i];
            if (gfn < 0 || gfn >= totalFrames || uses[(int) gfn] != BALLOONED) {
                break;
            }
            uses[(int) gfn] = FREE;
        }
        if (i < to) {
            long bad = gfns[i];
            for (int j = from; j < i; j++) {
                uses[(int) gfns[j]] = BALLOONED;
            }
            throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(bad) + " is not ballooned out");
        }
        for (int j = from; j < to; j++) {
            int gfn = (int) gfns[j];
            free.set(gfn);
        }
        int n = to - from;
        counts[FrameUse.BALLOONED.ordinal()] -= n;
        counts[FrameUse.FREE.ordinal()] += n;
    }

    /** Frame numbers now ballooned out, ascending. */
    public synchronized long[] balloonedFrames() {
        return balloonedFrames(Integer.MAX_VALUE);
    }

    /** The lowest {@code limit} frame numbers now ballooned out (all if fewer), ascending. */
    public synchronized long[] balloonedFrames(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        long[] result = new long[(int) Math.min(limit, counts[FrameUse.BALLOONED.ordinal()])];
        int i = 0;
        for (int gfn = 0; gfn < totalFrames && i < result.length; gfn++) {
            if (uses[gfn] == BALLOONED) {
                result[i++] = gfn;
            }
        }
        return result;
    }

    private static void checkAllocatable(FrameUse use) {
        if (use == FrameUse.FREE || use == FrameUse.RESERVED || use == FrameUse.BALLOONED) {
            throw new IllegalArgumentException("cannot allocate a frame for " + use);
        }
    }

    private void checkInUse(long gfn) {
        if (gfn < 0 || gfn >= totalFrames) {
            throw new IllegalStateException("frame 0x" + Long.toHexString(gfn) + " is outside the domain");
        }
        FrameUse use = USES[uses[(int) gfn]];
        if (use == FrameUse.FREE || use == FrameUse.RESERVED || use == FrameUse.BALLOONED) {
            throw new IllegalStateException("frame 0x" + Long.toHexString(gfn) + " is " + use + ", not allocated");
        }
    }

    private void take(int gfn, FrameUse use) {
        free.clear(gfn);
        counts[FrameUse.FREE.ordinal()]--;
        uses[gfn] = (byte) use.ordinal();
        counts[use.ordinal()]++;
    }

    private void release(int gfn) {
        counts[uses[gfn]]--;
        uses[gfn] = FREE;
        counts[FrameUse.FREE.ordinal()]++;
        free.set(gfn);
    }
}
