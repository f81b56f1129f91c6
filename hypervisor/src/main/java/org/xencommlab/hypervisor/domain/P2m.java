package org.xencommlab.hypervisor.domain;

import java.util.Arrays;

/**
 * A domain's physical-to-machine map: guest frame number to machine frame number, O(1) and
 * compact. The guest-physical space {@code [0, frames)} is split into chunks of 1024 entries. A
 * chunk is one of:
 *
 * <ul>
 *   <li>empty: nothing populated, no storage;</li>
 *   <li>linear: the entries {@code [lo, hi)} map to {@code base + i} and the rest are not
 *       populated, kept in three ints (a domain populated from a run of machine frames, as boot
 *       and large populates are, costs 12 bytes per 1024 frames);</li>
 *   <li>explicit: an {@code int[1024]}, made when an entry breaks the linear pattern.</li>
 * </ul>
 *
 * <p>Not thread-safe by itself: the owning {@link Domain} guards it with its lock.
 */
final class P2m {
    static final int INVALID = -1;
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK - 1;

    private final long frames;
    private final int[][] chunks;
    /** For a chunk that is not explicit: entries {@code [lo, hi)} hold {@code base + i}; lo == hi when empty. */
    private final int[] base;
    private final short[] lo;
    private final short[] hi;

    P2m(long frames) {
        if (frames < 0 || (frames >>> CHUNK_SHIFT) >= Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("bad guest-physical space of " + frames + " frames");
        }
        this.frames = frames;
        int count = (int) ((frames + CHUNK_MASK) >>> CHUNK_SHIFT);
        this.chunks = new int[count][];
        this.base = new int[count];
        this.lo = new short[count];
        this.hi = new short[count];
    }

    /** Frames in the guest-physical space. */
    long frames() {
        return frames;
    }

    /** Whether {@code [gfn, gfn + count)} lies inside the space (no overflow). */
    boolean contains(long gfn, long count) {
        return gfn >= 0 && count >= 0 && gfn <= frames && count <= frames - gfn;
    }

    /** The machine frame behind {@code gfn}, or {@link #INVALID}; any gfn. */
    int get(long gfn) {
        if (gfn < 0 || gfn >= frames) {
            return INVALID;
        }
        int c = (int) (gfn >>> CHUNK_SHIFT);
        int i = (int) gfn & CHUNK_MASK;
        int[] chunk = chunks[c];
        if (chunk != null) {
            return chunk[i];
        }
        return i >= lo(c) && i < hi(c) ? base[c] + i : INVALID;
    }

    void set(long gfn, int mfn) {
        int c = (int) (gfn >>> CHUNK_SHIFT);
        int i = (int) gfn & CHUNK_MASK;
        int[] chunk = chunks[c];
        if (chunk == null) {
            int l = lo(c);
            int h = hi(c);
            if (l == h && mfn >= i) {
                base[c] = mfn - i;
                lo[c] = (short) i;
                hi[c] = (short) (i + 1);
                return;
            }
            if (l < h && mfn == base[c] + i) {
                if (i == h) {
                    hi[c] = (short) (h + 1);
                    return;
                }
                if (i == l - 1) {
                    lo[c] = (short) i;
                    return;
                }
                if (i >= l && i < h) {
                    return;
                }
            }
            chunk = expand(c);
        }
        chunk[i] = mfn;
    }

    void clear(long gfn) {
        int c = (int) (gfn >>> CHUNK_SHIFT);
        int i = (int) gfn & CHUNK_MASK;
        int[] chunk = chunks[c];
        if (chunk == null) {
            int l = lo(c);
            int h = hi(c);
            if (i < l || i >= h) {
                return;
            }
            if (i == l) {
                lo[c] = (short) (l + 1);
                return;
            }
            if (i == h - 1) {
                hi[c] = (short) (h - 1);
                return;
            }
            chunk = expand(c);
        }
        chunk[i] = INVALID;
    }

    /** The first gfn at or after {@code from} that is not populated, or -1 if there is none. */
    long nextUnpopulated(long from) {
        long gfn = Math.max(0, from);
        while (gfn < frames) {
            int c = (int) (gfn >>> CHUNK_SHIFT);
            int i = (int) gfn & CHUNK_MASK;
            int[] chunk = chunks[c];
            if (chunk != null) {
                if (chunk[i] == INVALID) {
                    return gfn;
                }
                gfn++;
            } else if (i >= lo(c) && i < hi(c)) {
                gfn += hi(c) - i;
            } else {
                return gfn;
            }
        }
        return -1;
    }

    interface EntryVisitor {
        void visit(long gfn, int mfn);
    }

    /** Visits every populated entry in gfn order; the visitor may clear the entry it is given. */
    void forEachPopulated(EntryVisitor visitor) {
        for (int c = 0; c < chunks.length; c++) {
            int[] chunk = chunks[c];
            long first = (long) c << CHUNK_SHIFT;
            if (chunk == null) {
                int l = lo(c);
                int h = hi(c);
                int b = base[c];
                for (int i = l; i < h; i++) {
                    visitor.visit(first + i, b + i);
                }
                continue;
            }
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] != INVALID) {
                    visitor.visit(first + i, chunk[i]);
                }
            }
        }
    }

    interface RunVisitor {
        /** Entries {@code gfn .. gfn + count - 1} map to {@code mfn .. mfn + count - 1}; count >= 1. */
        void visit(long gfn, int mfn, int count);
    }

    /**
     * Visits every populated entry in gfn order, grouped into runs of consecutive gfns mapped to
     * consecutive mfns (a linear chunk is one run; an explicit chunk is split where the pattern
     * breaks; runs never cross a chunk). Empty chunks cost one array read each. The visitor must
     * not change the p2m.
     */
    void forEachRun(RunVisitor visitor) {
        int[][] chunks = this.chunks;
        for (int c = 0; c < chunks.length; c++) {
            int[] chunk = chunks[c];
            long first = (long) c << CHUNK_SHIFT;
            if (chunk == null) {
                int l = lo(c);
                int h = hi(c);
                if (l < h) {
                    visitor.visit(first + l, base[c] + l, h - l);
                }
                continue;
            }
            int i = 0;
            while (i < CHUNK) {
                int mfn = chunk[i];
                if (mfn == INVALID) {
                    i++;
                    continue;
                }
                int start = i;
                i++;
                while (i < CHUNK && chunk[i] != INVALID && chunk[i] == mfn + (i - start)) {
                    i++;
                }
                visitor.visit(first + start, mfn, i - start);
            }
        }
    }

    /** Chunks stored as an explicit array (the rest cost three ints each). */
    int explicitChunks() {
        int n = 0;
        for (int[] chunk : chunks) {
            n += chunk == null ? 0 : 1;
        }
        return n;
    }

    private int lo(int c) {
        return lo[c] & 0xFFFF;
    }

    private int hi(int c) {
        return hi[c] & 0xFFFF;
    }

    private int[] expand(int c) {
        int[] chunk = new int[CHUNK];
        Arrays.fill(chunk, INVALID);
        for (int i = lo(c); i < hi(c); i++) {
            chunk[i] = base[c] + i;
        }
        chunks[c] = chunk;
        lo[c] = 0;
        hi[c] = 0;
        return chunk;
    }
}
