package org.xencommlab.testkit.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/**
 * A domain's guest-physical memory with real bytes, keeping the {@link GuestPhysicalMemory}
 * contract: frames {@code 0 .. nrFrames-1} are RAM unless {@link #removeRam} took them away (as a
 * balloon would); a frame reads as zero until it is first written; an access crossing a page is
 * refused with {@link IllegalArgumentException}; an access to a frame that is not RAM is EFAULT and
 * changes nothing. Counts the aligned word reads (the page-table entries a walk reads).
 * Thread-safe (one monitor).
 */
public final class TestingGuestPhysicalMemory implements GuestPhysicalMemory {
    private final int domid;
    private final PageSize pageSize;
    private final long nrFrames;
    private final Map<Long, byte[]> frames = new HashMap<>();
    private final Set<Long> holes = new HashSet<>();
    private long wordReads;

    public TestingGuestPhysicalMemory(int domid, PageSize pageSize, long nrFrames) {
        if (nrFrames <= 0) {
            throw new IllegalArgumentException("nrFrames must be positive: " + nrFrames);
        }
        this.domid = domid;
        this.pageSize = pageSize;
        this.nrFrames = nrFrames;
    }

    /** Frames the domain was given (RAM or taken away since). */
    public long nrFrames() {
        return nrFrames;
    }

    /** Takes frame {@code gfn} away from the domain (a balloon giving it back): its bytes are gone, accesses fault. */
    public synchronized void removeRam(long gfn) {
        holes.add(gfn);
        frames.remove(gfn);
    }

    /** The first byte of frame {@code gfn} (0 if it was never written). */
    public synchronized byte read8(long gfn) {
        byte[] frame = frames.get(gfn);
        return frame == null ? 0 : frame[0];
    }

    /** Aligned word reads so far ({@link #readLong}: page-table entries read by a walk). */
    public synchronized long wordReads() {
        return wordReads;
    }

    /** Writes {@code src} at {@code address}, across pages. */
    public void writeBytes(long address, byte[] src) {
        int done = 0;
        while (done < src.length) {
            int piece = Math.min(src.length - done, pageSize.bytesToPageEnd(address + done));
            write(address + done, src, done, piece);
            done += piece;
        }
    }

    /** Reads {@code length} bytes at {@code address}, across pages. */
    public byte[] readBytes(long address, int length) {
        byte[] dst = new byte[length];
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            read(address + done, dst, done, piece);
            done += piece;
        }
        return dst;
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public PageSize pageSize() {
        return pageSize;
    }

    @Override
    public synchronized boolean isRam(long gfn) {
        return gfn >= 0 && gfn < nrFrames && !holes.contains(gfn);
    }

    @Override
    public synchronized void read(long address, byte[] dst, int dstOffset, int length) {
        byte[] frame = frameFor(address, length, false);
        if (frame == null) {
            Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        } else {
            System.arraycopy(frame, pageSize.offsetIn(address), dst, dstOffset, length);
        }
    }

    @Override
    public synchronized void write(long address, byte[] src, int srcOffset, int length) {
        byte[] frame = frameFor(address, length, true);
        System.arraycopy(src, srcOffset, frame, pageSize.offsetIn(address), length);
    }

    @Override
    public synchronized long readLong(long address, ByteOrder order) {
        checkAligned(address);
        wordReads++;
        byte[] frame = frameFor(address, 8, false);
        return frame == null ? 0 : ByteBuffer.wrap(frame).order(order).getLong(pageSize.offsetIn(address));
    }

    @Override
    public synchronized void writeLong(long address, long value, ByteOrder order) {
        checkAligned(address);
        ByteBuffer.wrap(frameFor(address, 8, true)).order(order).putLong(pageSize.offsetIn(address), value);
    }

    @Override
    public synchronized void zero(long address, int length) {
        byte[] frame = frameFor(address, length, false);
        if (frame != null) {
            Arrays.fill(frame, pageSize.offsetIn(address), pageSize.offsetIn(address) + length, (byte) 0);
        }
    }

    private byte[] frameFor(long address, int length, boolean create) {
        if (address < 0 || length < 0 || length > pageSize.bytesToPageEnd(address)) {
            throw new IllegalArgumentException("access 0x" + Long.toHexString(address) + "+" + length + " crosses a page");
        }
        long gfn = pageSize.pageOf(address);
        if (!isRam(gfn)) {
            throw new XenException(XenErrno.EFAULT, "gfn 0x" + Long.toHexString(gfn) + " is not RAM of d" + domid);
        }
        return create ? frames.computeIfAbsent(gfn, g -> new byte[pageSize.bytes()]) : frames.get(gfn);
    }

    private static void checkAligned(long address) {
        if ((address & 7) != 0) {
            throw new IllegalArgumentException("unaligned word at 0x" + Long.toHexString(address));
        }
    }
}
