package org.xencommlab.hypervisor.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bytes of the machine's frames, stored lazily: a frame that holds only zeros has no byte
 * array, so memory costs what is written, not what exists.
 *
 * <ul>
 *   <li>A frame never written, or zeroed whole, or discarded, reads as zero and has no array.</li>
 *   <li>An array is made on the first write of a non-zero byte (a write of zeros to a frame with
 *       no array changes nothing and makes none).</li>
 *   <li>Zeroing a whole frame drops its array; {@link #discard} drops it too (the scrub of a freed
 *       frame).</li>
 *   <li>Every read returns what was last written (zero where nothing was).</li>
 * </ul>
 *
 * <p>The table of arrays is itself lazy: one slot table per {@value #CHUNK_FRAMES} frames, made on
 * the first array in its range, so a machine of terabytes costs a few hundred KiB of tables until
 * its frames are written.
 *
 * <p><b>Arrays never change hands.</b> A dropped array is never given to another frame, or to the
 * same frame again, and never zeroed in place on a drop, so a lock-free reader that obtained a
 * frame's array ({@link #array}) while the frame was its own sees only bytes of that holding.
 * Thread-safe per frame: array installation is a compare-and-set; concurrent writes to the same
 * bytes race as memory does.
 */
public final class FrameStore {
    static final int CHUNK_SHIFT = 10;
    /** Frames per slot table. */
    static final int CHUNK_FRAMES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_FRAMES - 1;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int frameBytes;
    private final int frameCount;
    private final AtomicReferenceArray<AtomicReferenceArray<byte[]>> chunks;
    private final AtomicLong backed = new AtomicLong();

    /**
     * @param frameCount frames in the store
     * @param frameBytes bytes of each frame (a power of two, at least 8)
     */
    public FrameStore(int frameCount, int frameBytes) {
        if (frameCount < 0) {
            throw new IllegalArgumentException("negative frame count " + frameCount);
        }
        if (frameBytes < 8 || Integer.bitCount(frameBytes) != 1) {
            throw new IllegalArgumentException("frame size " + frameBytes + " is not a power of two of at least 8");
        }
        this.frameBytes = frameBytes;
        this.frameCount = frameCount;
        this.chunks = new AtomicReferenceArray<>((int) (((long) frameCount + CHUNK_MASK) >>> CHUNK_SHIFT));
    }

    public int frameCount() {
        return frameCount;
    }

    public int frameBytes() {
        return frameBytes;
    }

    /** Frames that hold an array now. */
    public long backedFrames() {
        return backed.get();
    }

    /** Whether frame {@code frame} holds an array now (false: it reads as zero). */
    public boolean isBacked(int frame) {
        return array(frame) != null;
    }

    /** Frame {@code frame}'s array now, or null while it reads as zero; see the class comment. */
    public byte[] array(int frame) {
        checkFrame(frame);
        AtomicReferenceArray<byte[]> chunk = chunks.get(frame >>> CHUNK_SHIFT);
        return chunk == null ? null : chunk.get(frame & CHUNK_MASK);
    }

    /** Copies {@code length} bytes at {@code offset} of an array from {@link #array} (null: zeros) into {@code dst}. */
    public void read(byte[] array, int offset, byte[] dst, int dstOffset, int length) {
        checkRange(offset, length);
        if (array == null) {
            Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        } else {
            System.arraycopy(array, offset, dst, dstOffset, length);
        }
    }

    /** Reads an aligned 64-bit word of an array from {@link #array} (null: zero). */
    public long readLong(byte[] array, int offset, ByteOrder order) {
        checkWord(offset);
        if (array == null) {
            return 0;
        }
        return order == ByteOrder.BIG_ENDIAN ? (long) LONG_BE.get(array, offset) : (long) LONG_LE.get(array, offset);
    }

    public void read(int frame, int offset, byte[] dst, int dstOffset, int length) {
        read(array(frame), offset, dst, dstOffset, length);
    }

    public long readLong(int frame, int offset, ByteOrder order) {
        return readLong(array(frame), offset, order);
    }

    /** Copies {@code length} bytes of {@code src} into frame {@code frame} at {@code offset}. */
    public void write(int frame, int offset, byte[] src, int srcOffset, int length) {
        checkRange(offset, length);
        java.util.Objects.checkFromIndexSize(srcOffset, length, src.length);
        if (length == 0) {
            return;
        }
        byte[] array = array(frame);
        if (array == null) {
            if (allZero(src, srcOffset, length)) {
                return;
            }
            array = materialise(frame);
        }
        System.arraycopy(src, srcOffset, array, offset, length);
    }

    /** Writes an aligned 64-bit word. */
    public void writeLong(int frame, int offset, long value, ByteOrder order) {
        checkWord(offset);
        byte[] array = array(frame);
        if (array == null) {
            if (value == 0) {
                return;
            }
            array = materialise(frame);
        }
        if (order == ByteOrder.BIG_ENDIAN) {
            LONG_BE.set(array, offset, value);
        } else {
            LONG_LE.set(array, offset, value);
        }
    }

    /** Zeroes {@code length} bytes at {@code offset}; zeroing the whole frame drops its array. */
    public void zero(int frame, int offset, int length) {
        checkRange(offset, length);
        byte[] array = array(frame);
        if (array == null || length == 0) {
            return;
        }
        if (length == frameBytes) {
            drop(frame);
        } else {
            Arrays.fill(array, offset, offset + length, (byte) 0);
        }
    }

    /** Drops frame {@code frame}'s bytes (it reads as zero again). */
    public void discard(int frame) {
        checkFrame(frame);
        drop(frame);
    }

    private void drop(int frame) {
        AtomicReferenceArray<byte[]> chunk = chunks.get(frame >>> CHUNK_SHIFT);
        if (chunk != null && chunk.getAndSet(frame & CHUNK_MASK, null) != null) {
            backed.decrementAndGet();
        }
    }

    private byte[] materialise(int frame) {
        int index = frame >>> CHUNK_SHIFT;
        AtomicReferenceArray<byte[]> chunk = chunks.get(index);
        if (chunk == null) {
            chunks.compareAndSet(index, null, new AtomicReferenceArray<>(CHUNK_FRAMES));
            chunk = chunks.get(index);
        }
        int slot = frame & CHUNK_MASK;
        byte[] array = chunk.get(slot);
        while (array == null) {
            byte[] fresh = new byte[frameBytes];
            if (chunk.compareAndSet(slot, null, fresh)) {
                backed.incrementAndGet();
                return fresh;
            }
            array = chunk.get(slot);
        }
        return array;
    }

    private static boolean allZero(byte[] src, int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 8 <= end; i += 8) {
            if ((long) LONG_LE.get(src, i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (src[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private void checkFrame(int frame) {
        if (frame < 0 || frame >= frameCount) {
            throw new IllegalArgumentException("frame " + frame + " is not one of the " + frameCount + " frames");
        }
    }

    private void checkRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset > frameBytes - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is not inside one frame");
        }
    }

    private void checkWord(int offset) {
        if (offset < 0 || offset > frameBytes - 8 || (offset & 7) != 0) {
            throw new IllegalArgumentException("word offset " + offset + " is not aligned inside one frame");
        }
    }
}
