package org.example.xencomm.phys;

import java.nio.ByteOrder;
import org.xencommlab.api.paging.PageTableFormat;

/**
 * The guest's own page tables (the guest kernel writes them; this arch's hypervisor never reads
 * them): four levels of 512 little-endian entries, 9 bits of the virtual address per level above
 * the 12-bit page offset. An entry holds the frame in bits 12..51 and the present, writable and
 * user bits in bits 0..2; a not-present entry keeps its payload above bit 0. Stateless.
 */
final class PhysPageTableFormat implements PageTableFormat {
    private static final long PRESENT = 1;
    private static final long WRITABLE = 1 << 1;
    private static final long USER = 1 << 2;
    private static final long FRAME_MASK = 0x000f_ffff_ffff_f000L;

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
        return (gfn << 12) & FRAME_MASK | PRESENT | WRITABLE | USER;
    }

    @Override
    public long pageEntry(long gfn, boolean writable, boolean user) {
        return (gfn << 12) & FRAME_MASK | PRESENT | (writable ? WRITABLE : 0) | (user ? USER : 0);
    }

    @Override
    public long notPresentEntry(long payload) {
        return payload << 1; // bit 0 clear: not present
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
