package org.xencommlab.guest.testing;

import java.nio.ByteOrder;
import org.xencommlab.api.paging.PageTableFormat;

/**
 * An x86-64-like format for tests: four levels of 512 eight-byte little-endian entries over
 * 4 KiB pages; bit 0 present, bit 1 writable, bit 2 user, frame in bits 12..51; a not-present
 * entry carries its payload shifted left by one.
 */
public final class TestingPageTableFormat implements PageTableFormat {
    public static final long PRESENT = 1;
    public static final long WRITABLE = 2;
    public static final long USER = 4;
    private static final long FRAME_MASK = ((1L << 40) - 1) << 12;

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public int levels() {
        return 4;
    }

    @Override
    public int indexAt(int level, long virtualAddress) {
        return (int) ((virtualAddress >>> (12 + 9 * level)) & 511);
    }

    @Override
    public long tableEntry(long gfn) {
        return (gfn << 12) | PRESENT | WRITABLE | USER;
    }

    @Override
    public long pageEntry(long gfn, boolean writable, boolean user) {
        return (gfn << 12) | PRESENT | (writable ? WRITABLE : 0) | (user ? USER : 0);
    }

    @Override
    public long notPresentEntry(long payload) {
        return (payload & ((1L << 48) - 1)) << 1;
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    @Override
    public boolean isWritable(long entry) {
        return (entry & WRITABLE) != 0;
    }

    @Override
    public boolean isUser(long entry) {
        return (entry & USER) != 0;
    }

    @Override
    public long decodeFrame(long entry) {
        return (entry & FRAME_MASK) >>> 12;
    }

    @Override
    public long decodePayload(long entry) {
        return entry >>> 1;
    }
}
