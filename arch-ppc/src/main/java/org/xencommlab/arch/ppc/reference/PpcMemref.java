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
 *  63 62                  44 43                  24 23                     0
 * +--+----------------------+----------------------+------------------------+
 * | 0|      generation      |        index         |      byte offset       |
 * +--+----------------------+----------------------+------------------------+
 *         19 bits                  20 bits                 24 bits
 *    \__________________ bufid ___________________/ \______ offset ________/
 * </pre>
 * The mail's idea stays whole: the high bits name a registered buffer (the bufid), the low bits are
 * a byte offset into it, and {@code alloc_mem} returns {@code bufid | offset}.
 * <ul>
 *   <li><b>bit 63</b>: the inline flag, 0 here.</li>
 *   <li><b>generation</b> (bits 62..44): 1..{@link #MAX_GENERATION} (524,287), never 0; the slot's
 *       generation when the buffer was registered. Unregistering advances the slot's generation, so
 *       a stale bufid is refused. A slot whose generation would pass {@link #MAX_GENERATION} is
 *       <em>retired</em> instead ({@link #nextGeneration} answers {@link #RETIRED}): it is never
 *       handed out again, so a generation never wraps and a stale bufid never resolves, however
 *       often slots are reused (the 12-bit generation of the earlier layout wrapped after 4095
 *       reuses and brought the stale bufid back). A retired slot costs one index of
 *       {@link #MAX_INDEX}: a domain can make about 5.5 * 10^11 registrations before its index
 *       space is spent, and then registering is -ENOSPC, never a reused bufid.</li>
 *   <li><b>index</b> (bits 43..24): the slot in the domain's two-level registration table, below
 *       {@link #MAX_INDEX} (1,048,576), so a domain can hold a million live registrations.</li>
 *   <li><b>byte offset</b> (bits 23..0): from the buffer's first byte; a registration holds at most
 *       {@link #MAX_BUFFER_BYTES} (16 MiB, {@link #MAX_BUFFER_PAGES} pages of 4 KiB), so every byte
 *       of the largest buffer has an offset.</li>
 * </ul>
 * <b>No domid.</b> The earlier layout spent 15 bits on the registering domain's id; the index needs
 * 8 more bits for a million slots and the generation must not shrink, so the domid went. Nothing
 * depended on it for safety: the hypervisor looks a bufid up only in the calling domain's own table,
 * so another domain's bufid can at most name one of the caller's own live buffers (its index and
 * generation must both match), never another domain's memory.
 *
 * <p>A bufid is a registered reference with offset 0. Because the generation is never 0, no
 * registered reference is 0 (the NULL handle), and because bit 63 is 0 a bufid is a non-negative
 * hypercall result.
 *
 * <h2>Descriptor reference ({@code mode=descriptor})</h2>
 * Bit 63 clear: the guest-physical address of a {@code struct xencomm_desc}, as in Xen.
 */
public final class PpcMemref {
    /** Linux's {@code XENCOMM_INLINE_FLAG}. */
    public static final long INLINE_FLAG = 1L << 63;

    public static final int OFFSET_BITS = 24;
    public static final int INDEX_BITS = 20;
    public static final int GENERATION_BITS = 19;

    public static final int INDEX_SHIFT = OFFSET_BITS;
    public static final int GENERATION_SHIFT = INDEX_SHIFT + INDEX_BITS;

    /** Bytes a registration may hold: every offset of it fits the offset field. */
    public static final long MAX_BUFFER_BYTES = 1L << OFFSET_BITS;
    /** Pages of 4 KiB a registration may hold. */
    public static final int MAX_BUFFER_PAGES = (int) (MAX_BUFFER_BYTES >>> 12);
    /** Slots a registration table may have: indexes 0..MAX_INDEX-1. */
    public static final int MAX_INDEX = 1 << INDEX_BITS;
    /** Largest generation; a slot that would go past it is retired. */
    public static final int MAX_GENERATION = (1 << GENERATION_BITS) - 1;
    /** What {@link #nextGeneration} answers for a slot that must never be used again. */
    public static final int RETIRED = 0;

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

    /** The bufid of slot {@code index} at {@code generation}. */
    public static long bufid(int generation, int index) {
        if (generation < 1 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation out of range: " + generation);
        }
        if (index < 0 || index >= MAX_INDEX) {
            throw new IllegalArgumentException("index out of range: " + index);
        }
        return ((long) generation << GENERATION_SHIFT) | ((long) index << INDEX_SHIFT);
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

    public static int index(long ref) {
        return (int) ((ref >>> INDEX_SHIFT) & (MAX_INDEX - 1));
    }

    public static long offset(long ref) {
        return ref & OFFSET_MASK;
    }

    /**
     * The generation a slot takes after {@code generation} is unregistered: the next one, or
     * {@link #RETIRED} when {@code generation} is {@link #MAX_GENERATION} (the slot must not wrap).
     */
    public static int nextGeneration(int generation) {
        return generation >= MAX_GENERATION ? RETIRED : generation + 1;
    }
}
