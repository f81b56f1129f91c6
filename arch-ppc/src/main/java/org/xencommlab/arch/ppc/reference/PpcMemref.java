package org.xencommlab.arch.ppc.reference;

/**
 * The ppc backend's encodings of a {@link org.xencommlab.api.memory.MemoryReference} word. Both
 * halves of the backend make and read references only through this class.
 *
 * <h2>Inline reference (every mode)</h2>
 * <pre>
 *  63 62                                                                0
 * +--+-----------------------------------------------------------------+
 * | 1|          guest-physical address of contiguous kernel memory     |
 * +--+-----------------------------------------------------------------+
 * </pre>
 * As Linux's {@code XENCOMM_INLINE_FLAG}: the hypervisor uses the address directly (offset added),
 * with no registration and no descriptor; every page it reaches must still be RAM of the caller.
 *
 * <h2>Registered reference, {@code bufid | offset} ({@code mode=registration})</h2>
 * <pre>
 *  63 62        51 50            36 35        24 23                     0
 * +--+------------+----------------+------------+------------------------+
 * | 0| generation |     domid      |   index    |      byte offset       |
 * +--+------------+----------------+------------+------------------------+
 *     12 bits      15 bits          12 bits      24 bits
 * </pre>
 * <ul>
 *   <li><b>bit 63</b>: the inline flag, 0 here.</li>
 *   <li><b>generation</b> (bits 62..51): 1..4095, never 0; the slot's generation when the buffer was
 *       registered. Unregistering advances the slot's generation (4095 wraps to 1), so a stale bufid
 *       is refused until its slot was reused 4095 times; slots are reused oldest-freed first, which
 *       spreads reuse over the whole table.</li>
 *   <li><b>domid</b> (bits 50..36): the registering domain (Xen domids are below
 *       {@code DOMID_FIRST_RESERVED = 0x7FF0}, so 15 bits hold them all); another domain's bufid is
 *       refused outright.</li>
 *   <li><b>index</b> (bits 35..24): the slot in the domain's registration table, below
 *       {@code max-registrations} (at most {@link #MAX_INDEX}).</li>
 *   <li><b>byte offset</b> (bits 23..0): from the buffer's first byte; a registration holds at most
 *       {@link #MAX_BUFFER_BYTES} (16 MiB, {@link #MAX_BUFFER_PAGES} pages of 4 KiB), so every byte
 *       of the largest buffer has an offset.</li>
 * </ul>
 * A bufid is a registered reference with offset 0; {@code alloc_mem} returns {@code bufid | offset}.
 * Because the generation is never 0, no registered reference is 0 (the NULL handle), and because
 * bit 63 is 0 a bufid is a non-negative hypercall result.
 *
 * <h2>Descriptor reference ({@code mode=descriptor})</h2>
 * Bit 63 clear: the guest-physical address of a {@code struct xencomm_desc}, as in Xen.
 */
public final class PpcMemref {
    /** Linux's {@code XENCOMM_INLINE_FLAG}. */
    public static final long INLINE_FLAG = 1L << 63;

    public static final int OFFSET_BITS = 24;
    public static final int INDEX_BITS = 12;
    public static final int DOMID_BITS = 15;
    public static final int GENERATION_BITS = 12;

    public static final int INDEX_SHIFT = OFFSET_BITS;
    public static final int DOMID_SHIFT = INDEX_SHIFT + INDEX_BITS;
    public static final int GENERATION_SHIFT = DOMID_SHIFT + DOMID_BITS;

    /** Bytes a registration may hold: every offset of it fits the offset field. */
    public static final long MAX_BUFFER_BYTES = 1L << OFFSET_BITS;
    /** Pages of 4 KiB a registration may hold. */
    public static final int MAX_BUFFER_PAGES = (int) (MAX_BUFFER_BYTES >>> 12);
    /** Slots a registration table may have. */
    public static final int MAX_INDEX = 1 << INDEX_BITS;
    /** Largest generation; the next one after it is 1. */
    public static final int MAX_GENERATION = (1 << GENERATION_BITS) - 1;
    /** Largest domid the bufid can carry. */
    public static final int MAX_DOMID = (1 << DOMID_BITS) - 1;

    public static final long OFFSET_MASK = MAX_BUFFER_BYTES - 1;

    private PpcMemref() {}

    public static boolean isInline(long ref) {
        return (ref & INLINE_FLAG) != 0;
    }

    /** The inline reference to guest-physical {@code physicalAddress}. */
    public static long inline(long physicalAddress) {
        if (physicalAddress < 0) {
            throw new IllegalArgumentException("physical address does not fit 63 bits: 0x" + Long.toHexString(physicalAddress));
        }
        return INLINE_FLAG | physicalAddress;
    }

    /** The guest-physical address an inline reference carries. */
    public static long inlineAddress(long ref) {
        return ref & ~INLINE_FLAG;
    }

    /** The bufid of slot {@code index} at {@code generation} in domain {@code domid}'s table. */
    public static long bufid(int generation, int domid, int index) {
        if (generation < 1 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation out of range: " + generation);
        }
        if (domid < 0 || domid > MAX_DOMID) {
            throw new IllegalArgumentException("domid out of range: " + domid);
        }
        if (index < 0 || index >= MAX_INDEX) {
            throw new IllegalArgumentException("index out of range: " + index);
        }
        return ((long) generation << GENERATION_SHIFT) | ((long) domid << DOMID_SHIFT) | ((long) index << INDEX_SHIFT);
    }

    /** {@code bufid | offset}, as {@code alloc_mem} returns it. */
    public static long withOffset(long bufid, long offset) {
        if (isInline(bufid) || (bufid & OFFSET_MASK) != 0) {
            throw new IllegalArgumentException("not a bufid: 0x" + Long.toHexString(bufid));
        }
        if (offset < 0 || offset >= MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        return bufid | offset;
    }

    /** The bufid part of a registered reference (offset cleared). */
    public static long bufidOf(long ref) {
        return ref & ~OFFSET_MASK;
    }

    public static int generation(long ref) {
        return (int) ((ref >>> GENERATION_SHIFT) & MAX_GENERATION);
    }

    public static int domid(long ref) {
        return (int) ((ref >>> DOMID_SHIFT) & MAX_DOMID);
    }

    public static int index(long ref) {
        return (int) ((ref >>> INDEX_SHIFT) & (MAX_INDEX - 1));
    }

    public static long offset(long ref) {
        return ref & OFFSET_MASK;
    }

    /** The generation a slot takes after {@code generation}: 1..{@link #MAX_GENERATION}, never 0. */
    public static int nextGeneration(int generation) {
        return generation >= MAX_GENERATION ? 1 : generation + 1;
    }
}
