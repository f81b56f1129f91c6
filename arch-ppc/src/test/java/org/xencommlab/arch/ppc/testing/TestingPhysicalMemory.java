package org.xencommlab.arch.ppc.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/**
 * A domain's guest-physical memory with real bytes: frames 0..nrFrames-1 are RAM unless ballooned
 * out; an access to anything else is EFAULT; an access crossing a page is refused.
 */
public final class TestingPhysicalMemory implements GuestPhysicalMemory {
    private final int domid;
    private final PageSize pageSize = PageSize.SIZE_4K;
    private final ConcurrentHashMap<Long, byte[]> frames = new ConcurrentHashMap<>();
    private final BitSet ram;
    private final int nrFrames;

    public TestingPhysicalMemory(int domid, int nrFrames) {
        this.domid = domid;
        this.nrFrames = nrFrames;
        this.ram = new BitSet(nrFrames);
        ram.set(0, nrFrames);
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public PageSize pageSize() {
        return pageSize;
    }

    public int nrFrames() {
        return nrFrames;
    }

    @Override
    public boolean isRam(long gfn) {
        synchronized (ram) {
            return gfn >= 0 && gfn < nrFrames && ram.get((int) gfn);
        }
    }

    /** Takes a frame out of the domain (a balloon giving it back); its bytes are gone. */
    public void removeRam(long gfn) {
        synchronized (ram) {
            ram.clear((int) gfn);
        }
        frames.remove(gfn);
    }

    @Override
    public void read(long address, byte[] dst, int dstOffset, int length) {
        byte[] frame = frame(address, length);
        if (frame == null) {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        } else {
            System.arraycopy(frame, pageSize.offsetIn(address), dst, dstOffset, length);
        }
    }

    @Override
    public void write(long address, byte[] src, int srcOffset, int length) {
        check(address, length);
        byte[] frame = frames.computeIfAbsent(pageSize.pageOf(address), g -> new byte[pageSize.bytes()]);
        System.arraycopy(src, srcOffset, frame, pageSize.offsetIn(address), length);
    }

    @Override
    public long readLong(long address, ByteOrder order) {
        if (address % 8 != 0) {
            throw new IllegalArgumentException("unaligned word");
        }
        byte[] bytes = new byte[8];
        read(address, bytes, 0, 8);
        return ByteBuffer.wrap(bytes).order(order).getLong();
    }

    @Override
    public void writeLong(long address, long value, ByteOrder order) {
        if (address % 8 != 0) {
            throw new IllegalArgumentException("unaligned word");
        }
        write(address, ByteBuffer.allocate(8).order(order).putLong(value).array(), 0, 8);
    }

    @Override
    public void zero(long address, int length) {
        write(address, new byte[length], 0, length);
    }

    /** Test helper: writes across pages. */
    public void writeBytes(long address, byte[] src) {
        int done = 0;
        while (done < src.length) {
            int piece = Math.min(src.length - done, pageSize.bytesToPageEnd(address + done));
            write(address + done, src, done, piece);
            done += piece;
        }
    }

    /** Test helper: reads across pages. */
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

    private byte[] frame(long address, int length) {
        check(address, length);
        return frames.get(pageSize.pageOf(address));
    }

    private void check(long address, int length) {
        if (length < 0 || (length > 0 && pageSize.pageOf(address) != pageSize.pageOf(address + length - 1))) {
            throw new IllegalArgumentException("access crosses a page: 0x" + Long.toHexString(address) + "+" + length);
        }
        if (address < 0 || !isRam(pageSize.pageOf(address))) {
            throw new XenException(XenErrno.EFAULT, "d" + domid + " frame of 0x" + Long.toHexString(address) + " is not RAM");
        }
    }
}
