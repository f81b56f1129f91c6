package org.xencommlab.arch.ppc.paging;

import jakarta.inject.Inject;
import java.nio.ByteOrder;
import org.xencommlab.api.paging.PageTableFormat;

/**
 * A Book3S-64 radix page table as the guest kernel keeps it for its own use (the hypervisor runs
 * in real mode and never walks it): four levels of 512 big-endian 8-byte entries with 4 KiB pages.
 *
 * <h2>Address split</h2>
 * Book3S selects a "quadrant" with the top two address bits: quadrant 0 is user space, quadrant 3
 * ({@code 0xc000...}) the kernel. One tree here covers 2^47 bytes of each: the root index's top
 * bit is address bit 63 (the quadrant), its low 8 bits are address bits 46..39; the lower levels
 * take bits 38..30, 29..21 and 20..12. The layout ({@link PpcAddressSpace}) keeps user addresses
 * and kernel direct-map offsets below 2^47, and declares 63 significant bits so that only
 * quadrants 0 and 3 are canonical.
 *
 * <h2>Entry bits (bit 63 is the most significant)</h2>
 * <pre>
 *  63   62   61..57  56 ............ 12  11..9  8   7   6..4  3     2   1   0
 * +---+----+-------+--------------------+-----+---+---+-----+-----+---+---+---+
 * | V |LEAF|   0   |   RPN / next table |  0  | A | D |  0  |PRIV | R | W | X |
 * +---+----+-------+--------------------+-----+---+---+-----+-----+---+---+---+
 * </pre>
 * As Linux's radix PTEs: {@code _PAGE_PRESENT} (V, bit 63), {@code _PAGE_PTE} (LEAF, bit 62),
 * the real page number in bits 56..12, {@code _PAGE_ACCESSED} (bit 8), {@code _PAGE_DIRTY}
 * (bit 7), {@code _PAGE_PRIVILEGED} (bit 3: kernel only), {@code _PAGE_READ}, {@code _PAGE_WRITE},
 * {@code _PAGE_EXEC}. A directory entry is V, the next table's frame in the same field, and the
 * next-level size (log2 of 512 entries = 9) in bits 4..0.
 *
 * <p>A not-present entry (a swap slot, a migration marker) has V clear, LEAF set (as Linux's swap
 * PTEs keep {@code _PAGE_PTE}, so it is never the empty entry 0), and its 48-bit payload in bits
 * 55..8.
 */
public final class PpcRadixPageTableFormat implements PageTableFormat {
    public static final long PRESENT = 1L << 63;
    public static final long LEAF = 1L << 62;
    public static final long RPN_MASK = 0x01FF_FFFF_FFFF_F000L;
    public static final long ACCESSED = 1L << 8;
    public static final long DIRTY = 1L << 7;
    public static final long PRIVILEGED = 1L << 3;
    public static final long READ = 1L << 2;
    public static final long WRITE = 1L << 1;
    public static final long EXEC = 1L;
    /** Next-level size field of a directory entry: log2(512). */
    public static final long NEXT_LEVEL_SIZE = 9;

    public static final int LEVELS = 4;
    public static final int PAGE_SHIFT = 12;
    public static final int INDEX_BITS = 9;
    public static final long PAYLOAD_MASK = (1L << 48) - 1;
    private static final int PAYLOAD_SHIFT = 8;
    private static final long MAX_FRAME = RPN_MASK >>> PAGE_SHIFT;

    @Inject
    public PpcRadixPageTableFormat() {}

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public int levels() {
        return LEVELS;
    }

    @Override
    public int indexAt(int level, long virtualAddress) {
        if (level < 0 || level >= LEVELS) {
            throw new IllegalArgumentException("no level " + level);
        }
        int shift = PAGE_SHIFT + level * INDEX_BITS;
        if (level == LEVELS - 1) {
            int quadrantBit = (int) (virtualAddress >>> 63) << (INDEX_BITS - 1);
            return quadrantBit | (int) ((virtualAddress >>> shift) & 0xFF);
        }
        return (int) ((virtualAddress >>> shift) & 0x1FF);
    }

    @Override
    public long tableEntry(long gfn) {
        return PRESENT | frameField(gfn) | NEXT_LEVEL_SIZE;
    }

    @Override
    public long pageEntry(long gfn, boolean writable, boolean user) {
        long entry = PRESENT | LEAF | frameField(gfn) | READ | ACCESSED;
        if (writable) {
            entry |= WRITE | DIRTY;
        }
        if (!user) {
            entry |= PRIVILEGED;
        }
        return entry;
    }

    @Override
    public long notPresentEntry(long payload) {
        if ((payload & ~PAYLOAD_MASK) != 0) {
            throw new IllegalArgumentException("payload wider than 48 bits: 0x" + Long.toHexString(payload));
        }
        return LEAF | (payload << PAYLOAD_SHIFT);
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    @Override
    public boolean isWritable(long entry) {
        return (entry & WRITE) != 0;
    }

    @Override
    public boolean isUser(long entry) {
        return (entry & PRIVILEGED) == 0;
    }

    @Override
    public long decodeFrame(long entry) {
        return (entry & RPN_MASK) >>> PAGE_SHIFT;
    }

    @Override
    public long decodePayload(long entry) {
        return (entry >>> PAYLOAD_SHIFT) & PAYLOAD_MASK;
    }

    private static long frameField(long gfn) {
        if (gfn < 0 || gfn > MAX_FRAME) {
            throw new IllegalArgumentException("frame out of range: 0x" + Long.toHexString(gfn));
        }
        return gfn << PAGE_SHIFT;
    }
}
