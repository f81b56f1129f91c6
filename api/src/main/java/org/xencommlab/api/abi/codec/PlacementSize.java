package org.xencommlab.api.abi.codec;

/**
 * The size query of the pointer form: a codec reports each piece it would place, in the order it
 * would place it, and this adds them up the way a hypercall buffer hands out slices (each piece at
 * the next multiple of {@link #ALIGNMENT} bytes). Nothing is placed or encoded.
 */
public final class PlacementSize {
    /** Pieces start at multiples of 8 bytes, as {@code alloc_mem} hands them out. */
    public static final int ALIGNMENT = 8;

    private long total;

    /** {@code offset} rounded up to {@link #ALIGNMENT}. */
    public static long align(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** One piece of {@code length} bytes. */
    public void piece(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        total = align(total) + length;
    }

    /** One piece of {@code length} bytes, if {@code length} is not 0 (an empty array is not placed). */
    public void pieceIfAny(long length) {
        if (length != 0) {
            piece(length);
        }
    }

    /** Bytes so far, alignment included. */
    public long total() {
        return total;
    }
}
