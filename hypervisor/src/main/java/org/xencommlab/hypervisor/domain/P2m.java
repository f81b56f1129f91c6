package org.xencommlab.hypervisor.domain;

import java.util.Arrays;

/**
 * A domain's physical-to-machine map: guest frame number to machine frame number, O(1) and
 * compact. The guest-physical space {@code [0, frames)} is split into chunks of 1024 entries,
 * made on first use, so a large, sparsely populated domain costs what it populates.
 *
 * <p>Not thread-safe by itself: the owning {@link Domain} guards it with its lock.
 */
final class P2m {
    static final int INVALID = -1;
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    private final long frames;
    private final int[][] chunks;

    P2m(long frames) {
        if (frames < 0 || (frames >>> CHUNK_SHIFT) >= Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("bad guest-physical space of " + frames + " frames");
        }
        this.frames = frames;
        this.chunks = new int[(int) ((frames + CHUNK_MASK) >>> CHUNK_SHIFT)][];
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
        int[] chunk = chunks[(int) (gfn >>> CHUNK_SHIFT)];
        return chunk == null ? INVALID : chunk[(int) gfn & CHUNK_MASK];
    }

    void set(long gfn, int mfn) {
        int index = (int) (gfn >>> CHUNK_SHIFT);
        int[] chunk = chunks[index];
        if (chunk == null) {
            chunk = new int[CHUNK_MASK + 1];
            Arrays.fill(chunk, INVALID);
            chunks[index] = chunk;
        }
        chunk[(int) gfn & CHUNK_MASK] = mfn;
    }

    void clear(long gfn) {
        int[] chunk = chunks[(int) (gfn >>> CHUNK_SHIFT)];
        if (chunk != null) {
            chunk[(int) gfn & CHUNK_MASK] = INVALID;
        }
    }

    /** The first gfn at or after {@code from} that is not populated, or -1 if there is none. */
    long nextUnpopulated(long from) {
        for (long gfn = Math.max(0, from); gfn < frames; gfn++) {
            int[] chunk = chunks[(int) (gfn >>> CHUNK_SHIFT)];
            if (chunk == null || chunk[(int) gfn & CHUNK_MASK] == INVALID) {
                return gfn;
            }
        }
        return -1;
    }

    interface EntryVisitor {
        void visit(long gfn, int mfn);
    }

    /** Visits every populated entry in gfn order. */
    void forEachPopulated(EntryVisitor visitor) {
        for (int c = 0; c < chunks.length; c++) {
            int[] chunk = chunks[c];
            if (chunk == null) {
                continue;
            }
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] != INVALID) {
                    visitor.visit(((long) c << CHUNK_SHIFT) + i, chunk[i]);
                }
            }
        }
    }
}
