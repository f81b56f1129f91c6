package org.xencommlab.guest.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/**
 * In-memory guest-physical memory: lazy frames of real bytes; frames below {@code ramFrames} are
 * RAM at the start, and a testing hypervisor may remove a frame (a balloon gave it back: its bytes
 * are gone) or populate one below {@code maxFrames} (it reads as zero).
 */
public final class TestingGuestPhysicalMemory implements GuestPhysicalMemory {
    private final int domid;
    private final PageSize pageSize;
    private final long maxFrames;
    private final BitSet ram = new BitSet();
    private final Map<Long, byte[]> frames = new HashMap<>();
    private long accesses;

    public TestingGuestPhysicalMemory(int domid, PageSize pageSize, long ramFrames) {
        this(domid, pageSize, ramFrames, ramFrames);
    }

    public TestingGuestPhysicalMemory(int domid, PageSize pageSize, long ramFrames, long maxFrames) {
        if (ramFrames > maxFrames || maxFrames > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(ramFrames + " RAM frames of at most " + maxFrames);
        }
        this.domid = domid;
        this.pageSize = pageSize;
        this.maxFrames = maxFrames;
        ram.set(0, (int) ramFrames);
    }

    /** Frames this memory may ever hold. */
    public long maxFrames() {
        return maxFrames;
    }

    /** Frames that are RAM now. */
    public synchronized long ramFrames() {
        return ram.cardinality();
    }

    /** Takes frame {@code gfn} away (its bytes are dropped); false if it is not RAM. */
    public synchronized boolean removeFrame(long gfn) {
        if (!isRam(gfn)) {
            return false;
        }
        ram.clear((int) gfn);
        frames.remove(gfn);
        return true;
    }

    /** Makes frame {@code gfn} RAM again, reading as zero; false if it is RAM already or beyond the maximum. */
    public synchronized boolean populateFrame(long gfn) {
        if (gfn < 0 || gfn >= maxFrames || ram.get((int) gfn)) {
            return false;
        }
        ram.set((int) gfn);
        frames.remove(gfn);
        return true;
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
        return gfn >= 0 && gfn < maxFrames && ram.get((int) gfn);
    }

    /** Accesses made so far (every read, write, zero). */
    public synchronized long accesses() {
        return accesses;
    }

    @Override
    public synchronized void read(long address, byte[] dst, int dstOffset, int length) {
        byte[] frame = frame(address, length);
        System.arraycopy(frame, pageSize.offsetIn(address), dst, dstOffset, length);
    }

    @Override
    public synchronized void write(long address, byte[] src, int srcOffset, int length) {
        byte[] frame = frame(address, length);
        System.arraycopy(src, srcOffset, frame, pageSize.offsetIn(address), length);
    }

    @Override
    public synchronized long readLong(long address, ByteOrder order) {
        if ((address & 7) != 0) {
            throw new IllegalArgumentException("unaligned");
        }
        byte[] frame = frame(address, 8);
        return ByteBuffer.wrap(frame).order(order).getLong(pageSize.offsetIn(address));
    }

    @Override
    public synchronized void writeLong(long address, long value, ByteOrder order) {
        if ((address & 7) != 0) {
            throw new IllegalArgumentException("unaligned");
        }
        byte[] frame = frame(address, 8);
        ByteBuffer.wrap(frame).order(order).putLong(pageSize.offsetIn(address), value);
    }

    @Override
    public synchronized void zero(long address, int length) {
        byte[] frame = frame(address, length);
        java.util.Arrays.fill(frame, pageSize.offsetIn(address), pageSize.offsetIn(address) + length, (byte) 0);
    }

    private byte[] frame(long address, int length) {
        accesses++;
        if (length < 0 || length > pageSize.bytesToPageEnd(address)) {
            throw new IllegalArgumentException("access of " + length + " bytes at 0x" + Long.toHexString(address) + " crosses a page");
        }
        long gfn = pageSize.pageOf(address);
        if (address < 0 || !isRam(gfn)) {
            throw new XenException(XenErrno.EFAULT, "frame 0x" + Long.toHexString(gfn) + " is not RAM of d" + domid);
        }
        return frames.computeIfAbsent(gfn, k -> new byte[pageSize.bytes()]);
    }
}
