package org.xencommlab.api.paging;

import java.nio.ByteOrder;

/**
 * The x86-64 four-level page-table format (IA-32e paging with 4 KiB pages): PML4 (level 3, the
 * root), PDPT (level 2), PD (level 1) and PT (level 0), 512 little-endian 8-byte entries per table,
 * 9 index bits per level above the 12 offset bits, so 48-bit virtual addresses.
 *
 * <p>Entry bits used:
 * <ul>
 *   <li>bit 0 {@code _PAGE_PRESENT}, bit 1 {@code _PAGE_RW}, bit 2 {@code _PAGE_USER};</li>
 *   <li>bit 7 {@code _PAGE_PSE} in a PD or PDPT entry: the entry maps a 2 MiB or 1 GiB page
 *       ({@link #largePageEntry}); the lab's guests need not use it, but a walker honours it as
 *       the hardware does;</li>
 *   <li>bits 12..51: the guest frame number of the next table or of the page (40 bits, the
 *       architectural maximum of 52 physical address bits).</li>
 * </ul>
 * A table entry ({@link #tableEntry}) is present, writable and user, as Linux's
 * {@code _PAGE_TABLE}: permissions are the AND over all levels, so the leaf decides.
 *
 * <p>Not-present entries: bit 0 clear and {@code payload} in bits 1..48 ({@code entry = payload
 * << 1}). This is simpler than Linux's swap-entry layout (a 5-bit type and an offset stored
 * inverted in the high bits, as an L1TF mitigation), and carries the same information for the
 * lab: the kernel puts a swap slot or a migration marker there; the hardware (and the hypervisor's
 * walk) only looks at bit 0. A payload of 0 gives the empty entry 0 ({@code pte_none}).
 *
 * <p>Every x86-64 guest uses it, whatever its backend: arch-x86's guests, whose page tables the
 * hypervisor walks, and arch-cvm's confidential guests, whose page tables live in private memory
 * the hypervisor never reads. It lives here, beside the {@link PageTableFormat} it implements, so
 * that both arch modules share one implementation while depending only on {@code api}; each names
 * its own subclass.
 *
 * <p>An implementation (a subclass) must keep the format: it may only change the name it reports.
 * Stateless and thread-safe.
 */
public class FourLevelPageTableFormat implements PageTableFormat {
    public static final int LEVELS = 4;
    public static final int PAGE_SHIFT = 12;
    public static final int INDEX_BITS = 9;
    public static final int ENTRIES_PER_TABLE = 1 << INDEX_BITS;

    public static final long PRESENT = 1L;
    public static final long RW = 1L << 1;
    public static final long USER = 1L << 2;
    public static final long PSE = 1L << 7;
    /** Bits 12..51: the frame number field. */
    public static final long FRAME_MASK = 0x000f_ffff_ffff_f000L;
    /** Largest frame number the 40-bit field holds. */
    public static final long MAX_FRAME = FRAME_MASK >>> PAGE_SHIFT;
    /** Payloads of not-present entries use at most this many bits. */
    public static final int PAYLOAD_BITS = 48;
    public static final long MAX_PAYLOAD = (1L << PAYLOAD_BITS) - 1;

    private static final long TABLE_FLAGS = PRESENT | RW | USER;

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public int levels() {
        return LEVELS;
    }

    @Override
    public int indexAt(int level, long virtualAddress) {
        checkLevel(level);
        return (int) ((virtualAddress >>> shiftOf(level)) & (ENTRIES_PER_TABLE - 1));
    }

    /** The number of low virtual-address bits an entry at {@code level} covers: 12, 21, 30, 39. */
    public static int shiftOf(int level) {
        return PAGE_SHIFT + INDEX_BITS * level;
    }

    @Override
    public long tableEntry(long gfn) {
        return frameField(gfn) | TABLE_FLAGS;
    }

    @Override
    public long pageEntry(long gfn, boolean writable, boolean user) {
        return frameField(gfn) | PRESENT | (writable ? RW : 0) | (user ? USER : 0);
    }

    /**
     * A PD (level 1, 2 MiB) or PDPT (level 2, 1 GiB) entry mapping a large page that starts at
     * guest frame {@code gfn}, which must be aligned to the large page.
     */
    public long largePageEntry(int level, long gfn, boolean writable, boolean user) {
        if (level != 1 && level != 2) {
            throw new IllegalArgumentException("large pages exist at levels 1 and 2 only: " + level);
        }
        long framesPerPage = 1L << (shiftOf(level) - PAGE_SHIFT);
        if ((gfn & (framesPerPage - 1)) != 0) {
            throw new IllegalArgumentException("frame 0x" + Long.toHexString(gfn) + " is not aligned to a level-" + level + " page");
        }
        return pageEntry(gfn, writable, user) | PSE;
    }

    /** Whether a present PD or PDPT entry maps a large page rather than pointing to a table. */
    public boolean isLargePage(long entry) {
        return (entry & PSE) != 0;
    }

    @Override
    public long notPresentEntry(long payload) {
        if (payload < 0 || payload > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload does not fit in " + PAYLOAD_BITS + " bits: 0x" + Long.toHexString(payload));
        }
        return payload << 1;
    }

    @Override
    public boolean isPresent(long entry) {
        return (entry & PRESENT) != 0;
    }

    @Override
    public boolean isWritable(long entry) {
        return (entry & RW) != 0;
    }

    @Override
    public boolean isUser(long entry) {
        return (entry & USER) != 0;
    }

    @Override
    public long decodeFrame(long entry) {
        return (entry & FRAME_MASK) >>> PAGE_SHIFT;
    }

    @Override
    public long decodePayload(long entry) {
        return (entry >>> 1) & MAX_PAYLOAD;
    }

    private static long frameField(long gfn) {
        if (gfn < 0 || gfn > MAX_FRAME) {
            throw new IllegalArgumentException("frame number does not fit in bits 12..51: 0x" + Long.toHexString(gfn));
        }
        return gfn << PAGE_SHIFT;
    }

    private static void checkLevel(int level) {
        if (level < 0 || level >= LEVELS) {
            throw new IllegalArgumentException("level must be 0.." + (LEVELS - 1) + ": " + level);
        }
    }

    private final String name;

    /** The format, named {@code "x86-64 4-level"}. */
    public FourLevelPageTableFormat() {
        this("x86-64 4-level");
    }

    /** The format under {@code name}, for a backend that names its guests' format its own way. */
    protected FourLevelPageTableFormat(String name) {
        this.name = java.util.Objects.requireNonNull(name, "name is null");
    }

    @Override
    public String toString() {
        return name;
    }
}
