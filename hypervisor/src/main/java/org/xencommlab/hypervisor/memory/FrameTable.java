package org.xencommlab.hypervisor.memory;

import java.util.Arrays;

/**
 * The machine's per-frame accounting (owner and reference count), compact: frames are grouped in
 * chunks of {@value #CHUNK} and a chunk whose frames all have the same owner and count (all free,
 * or allocated to one domain as a run) is two ints; a chunk becomes two {@code int[]} when one of
 * its frames differs, and two ints again when all its frames are free. Not thread-safe: the
 * caller ({@link MachineMemory}) holds its lock.
 */
final class FrameTable {
    static final int SHIFT = 10;
    static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private final int frameCount;
    private final int freeOwner;
    private final int[][] owners;
    private final int[][] refs;
    private final int[] uniformOwner;
    private final int[] uniformRefs;
    /** Frames of each chunk with no reference. */
    private final int[] freeIn;

    FrameTable(int frameCount, int freeOwner) {
        this.frameCount = frameCount;
        this.freeOwner = freeOwner;
        int chunks = (int) (((long) frameCount + MASK) >>> SHIFT);
        this.owners = new int[chunks][];
        this.refs = new int[chunks][];
        this.uniformOwner = new int[chunks];
        this.uniformRefs = new int[chunks];
        this.freeIn = new int[chunks];
        Arrays.fill(uniformOwner, freeOwner);
        for (int c = 0; c < chunks; c++) {
            freeIn[c] = size(c);
        }
    }

    int owner(int frame) {
        int[] chunk = owners[frame >>> SHIFT];
        return chunk == null ? uniformOwner[frame >>> SHIFT] : chunk[frame & MASK];
    }

    int refs(int frame) {
        int[] chunk = refs[frame >>> SHIFT];
        return chunk == null ? uniformRefs[frame >>> SHIFT] : chunk[frame & MASK];
    }

    /** Sets one frame's owner and count ({@code refs == 0}: free, owner must be the free owner). */
    void set(int frame, int owner, int count) {
        int c = frame >>> SHIFT;
        int before = refs(frame);
        if (owners[c] == null) {
            if (uniformOwner[c] == owner && uniformRefs[c] == count) {
                return;
            }
            expand(c);
        }
        owners[c][frame & MASK] = owner;
        refs[c][frame & MASK] = count;
        freeIn[c] += (count == 0 ? 1 : 0) - (before == 0 ? 1 : 0);
        if (freeIn[c] == size(c)) {
            collapse(c, freeOwner, 0);
        }
    }

    /** Sets frames {@code [from, to)} to {@code owner} with {@code count} references each. */
    void setRange(int from, int to, int owner, int count) {
        int frame = from;
        while (frame < to) {
            int c = frame >>> SHIFT;
            int chunkStart = c << SHIFT;
            int chunkEnd = chunkStart + size(c);
            int end = Math.min(to, chunkEnd);
            if (frame == chunkStart && end == chunkEnd) {
                collapse(c, owner, count);
            } else {
                for (int f = frame; f < end; f++) {
                    set(f, owner, count);
                }
            }
            frame = end;
        }
    }

    int countOwnedBy(int owner) {
        int n = 0;
        for (int c = 0; c < owners.length; c++) {
            int[] chunk = owners[c];
            if (chunk == null) {
                n += uniformOwner[c] == owner ? size(c) : 0;
                continue;
            }
            for (int i = 0, size = size(c); i < size; i++) {
                n += chunk[i] == owner ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * {@link #countOwnedBy} for each of {@code owners} (ascending, no repeats) in one pass: a
     * uniform chunk costs one search, an explicit chunk one search per change of owner.
     */
    int[] countOwnedByEach(int[] owners) {
        int[] counts = new int[owners.length];
        if (owners.length == 0) {
            return counts;
        }
        for (int c = 0; c < this.owners.length; c++) {
            int[] chunk = this.owners[c];
            if (chunk == null) {
                int at = Arrays.binarySearch(owners, uniformOwner[c]);
                if (at >= 0) {
                    counts[at] += size(c);
                }
                continue;
            }
            int size = size(c);
            int i = 0;
            while (i < size) {
                int owner = chunk[i];
                int start = i;
                while (i < size && chunk[i] == owner) {
                    i++;
                }
                int at = Arrays.binarySearch(owners, owner);
                if (at >= 0) {
                    counts[at] += i - start;
                }
            }
        }
        return counts;
    }

    /**
     * Whether every frame of {@code [from, to)} (inside the table) is owned by {@code owner} with at
     * least one reference: if so, how many have more than one; if not, -1.
     */
    int pinnedIfAllHeldBy(int owner, int from, int to) {
        int pinned = 0;
        int frame = from;
        while (frame < to) {
            int c = frame >>> SHIFT;
            int end = Math.min(to, (c << SHIFT) + size(c));
            int[] o = owners[c];
            if (o == null) {
                int count = uniformRefs[c];
                if (uniformOwner[c] != owner || count < 1) {
                    return -1;
                }
                pinned += count > 1 ? end - frame : 0;
            } else {
                int[] r = refs[c];
                for (int i = frame & MASK, last = i + (end - frame); i < last; i++) {
                    if (o[i] != owner || r[i] < 1) {
                        return -1;
                    }
                    pinned += r[i] > 1 ? 1 : 0;
                }
            }
            frame = end;
        }
        return pinned;
    }

    /** Recounts free frames from the counts themselves (not from {@link #freeIn}). */
    int countUnreferenced() {
        int n = 0;
        for (int c = 0; c < refs.length; c++) {
            int[] chunk = refs[c];
            if (chunk == null) {
                n += uniformRefs[c] == 0 ? size(c) : 0;
                continue;
            }
            for (int i = 0, size = size(c); i < size; i++) {
                n += chunk[i] == 0 ? 1 : 0;
            }
        }
        return n;
    }

    int explicitChunks() {
        int n = 0;
        for (int[] chunk : owners) {
            n += chunk == null ? 0 : 1;
        }
        return n;
    }

    private int size(int c) {
        return (int) Math.min(CHUNK, (long) frameCount - ((long) c << SHIFT));
    }

    private void expand(int c) {
        int[] o = new int[CHUNK];
        int[] r = new int[CHUNK];
        Arrays.fill(o, uniformOwner[c]);
        Arrays.fill(r, uniformRefs[c]);
        owners[c] = o;
        refs[c] = r;
    }

    private void collapse(int c, int owner, int count) {
        owners[c] = null;
        refs[c] = null;
        uniformOwner[c] = owner;
        uniformRefs[c] = count;
        freeIn[c] = count == 0 ? size(c) : 0;
    }
}
