package org.xencommlab.hypervisor.domain;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A domain's dirty-page log, as Xen keeps for live migration: a bit per guest frame, set by every
 * write to the frame. Chunked bitmap (4096 frames per chunk, made on first write), lock-free.
 */
public final class DirtyLog {
    private static final int CHUNK_SHIFT = 12;
    private static final int WORDS_PER_CHUNK = (1 << CHUNK_SHIFT) / 64;

    private final long frames;
    private final AtomicReferenceArray<AtomicLongArray> chunks;
    private final AtomicLong dirtyPages = new AtomicLong();

    DirtyLog(long frames) {
        this.frames = frames;
        this.chunks = new AtomicReferenceArray<>((int) ((frames + (1 << CHUNK_SHIFT) - 1) >>> CHUNK_SHIFT));
    }

    void mark(long gfn) {
        AtomicLongArray chunk = chunk(gfn, true);
        int word = (int) (gfn & ((1 << CHUNK_SHIFT) - 1)) >>> 6;
        long bit = 1L << (gfn & 63);
        long old = chunk.get(word);
        while ((old & bit) == 0) {
            long witness = chunk.compareAndExchange(word, old, old | bit);
            if (witness == old) {
                dirtyPages.incrementAndGet();
                return;
            }
            old = witness;
        }
    }

    void clear(long gfn) {
        AtomicLongArray chunk = chunk(gfn, false);
        if (chunk == null) {
            return;
        }
        int word = (int) (gfn & ((1 << CHUNK_SHIFT) - 1)) >>> 6;
        long bit = 1L << (gfn & 63);
        long old = chunk.getAndUpdate(word, w -> w & ~bit);
        if ((old & bit) != 0) {
            dirtyPages.decrementAndGet();
        }
    }

    /** Whether {@code gfn} was written since the log was last cleaned. */
    public boolean isDirty(long gfn) {
        if (gfn < 0 || gfn >= frames) {
            return false;
        }
        AtomicLongArray chunk = chunk(gfn, false);
        return chunk != null && (chunk.get((int) (gfn & ((1 << CHUNK_SHIFT) - 1)) >>> 6) & (1L << (gfn & 63))) != 0;
    }

    /**
     * The first dirty gfn at or after {@code from}, or -1 if there is none: a scan of the dirty
     * gfns costs the chunks the log made and the words they hold, not one bit test per guest frame.
     */
    public long nextDirty(long from) {
        long gfn = Math.max(0, from);
        while (gfn < frames) {
            int c = (int) (gfn >>> CHUNK_SHIFT);
            AtomicLongArray chunk = chunks.get(c);
            if (chunk == null) {
                gfn = (long) (c + 1) << CHUNK_SHIFT;
                continue;
            }
            int w = (int) (gfn & ((1 << CHUNK_SHIFT) - 1)) >>> 6;
            long bits = chunk.get(w) & (-1L << (gfn & 63));
            while (bits == 0 && ++w < WORDS_PER_CHUNK) {
                bits = chunk.get(w);
            }
            if (bits != 0) {
                long found = ((long) c << CHUNK_SHIFT) + ((long) w << 6) + Long.numberOfTrailingZeros(bits);
                return found < frames ? found : -1;
            }
            gfn = (long) (c + 1) << CHUNK_SHIFT;
        }
        return -1;
    }

    /** Pages written since the log was last cleaned. */
    public long dirtyPages() {
        return dirtyPages.get();
    }

    /**
     * Visits every dirty gfn in order, recounted from the bitmap itself (for audits: the count
     * {@link #dirtyPages()} keeps must equal the visits).
     */
    void forEachDirty(java.util.function.LongConsumer visitor) {
        for (int c = 0; c < chunks.length(); c++) {
            AtomicLongArray chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            for (int w = 0; w < WORDS_PER_CHUNK; w++) {
                long bits = chunk.get(w);
                while (bits != 0) {
                    int bit = Long.numberOfTrailingZeros(bits);
                    visitor.accept(((long) c << CHUNK_SHIFT) + ((long) w << 6) + bit);
                    bits &= bits - 1;
                }
            }
        }
    }

    /** Clears every bit (Xen's log-dirty CLEAN) and returns how many pages were dirty. */
    public long clean() {
        long cleared = 0;
        for (int c = 0; c < chunks.length(); c++) {
            AtomicLongArray chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            for (int w = 0; w < WORDS_PER_CHUNK; w++) {
                cleared += Long.bitCount(chunk.getAndSet(w, 0));
            }
        }
        dirtyPages.addAndGet(-cleared);
        return cleared;
    }

    private AtomicLongArray chunk(long gfn, boolean create) {
        int index = (int) (gfn >>> CHUNK_SHIFT);
        AtomicLongArray chunk = chunks.get(index);
        if (chunk == null && create) {
            chunks.compareAndSet(index, null, new AtomicLongArray(WORDS_PER_CHUNK));
            chunk = chunks.get(index);
        }
        return chunk;
    }
}
