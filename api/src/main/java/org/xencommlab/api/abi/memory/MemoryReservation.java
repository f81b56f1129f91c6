package org.xencommlab.api.abi.memory;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * {@code struct xen_memory_reservation} (xen/include/public/memory.h), the argument of
 * {@code XENMEM_increase_reservation}, {@code XENMEM_decrease_reservation} and
 * {@code XENMEM_populate_physmap}. Its pointer form, on x86-64:
 *
 * <pre>
 * offset size field          type
 *      0    8 extent_start   XEN_GUEST_HANDLE(xen_pfn_t): the extent array, nr_extents u64 frame numbers
 *      8    8 nr_extents     xen_ulong_t
 *     16    4 extent_order   unsigned int: each extent is 2^extent_order pages
 *     20    4 mem_flags      unsigned int: XENMEMF_* (address bits in bits 0-7, node above)
 *     24    2 domid          domid_t (DOMID_SELF = 0x7FF0)
 *     26    6 (padding)      implicit; Xen does not look at it
 *     32      total, aligned to 8
 * </pre>
 *
 * @param extentStart the raw handle word of {@code extent_start} (pointer form); 0 in the embedded form
 * @param nrExtents {@code nr_extents}, unsigned
 * @param extentOrder {@code extent_order}, the bits of an unsigned int
 * @param memFlags {@code mem_flags}, the bits of an unsigned int
 * @param domid {@code domid}, 0 to 65535
 */
public record MemoryReservation(long extentStart, long nrExtents, int extentOrder, int memFlags, int domid) {
    public static final int EXTENT_START_OFFSET = 0;
    public static final int NR_EXTENTS_OFFSET = 8;
    public static final int EXTENT_ORDER_OFFSET = 16;
    public static final int MEM_FLAGS_OFFSET = 20;
    public static final int DOMID_OFFSET = 24;
    public static final int SIZE = 32;
    /** Bytes of one extent-array element ({@code xen_pfn_t}, 64 bits on x86-64). */
    public static final int EXTENT_SIZE = 8;

    public static final StructLayout POINTER_LAYOUT = new StructLayout("xen_memory_reservation", AbiForm.POINTER, List.of(
            Field.handle("extent_start", EXTENT_START_OFFSET, "xen_pfn_t array of nr_extents frames"),
            Field.u64("nr_extents", NR_EXTENTS_OFFSET, "xen_ulong_t"),
            Field.u32("extent_order", EXTENT_ORDER_OFFSET, "2^order pages per extent"),
            Field.u32("mem_flags", MEM_FLAGS_OFFSET, "XENMEMF_*"),
            Field.u16("domid", DOMID_OFFSET, "domid_t"),
            Field.padding("(padding)", DOMID_OFFSET + 2, 6)), SIZE, 8);

    public MemoryReservation {
        if (domid < 0 || domid > 0xFFFF) {
            throw new IllegalArgumentException("domid is not a u16: " + domid);
        }
    }

    /** The 32 bytes of the pointer form. */
    public byte[] encodePointer() {
        byte[] bytes = new byte[SIZE];
        LittleEndian.putU64(bytes, EXTENT_START_OFFSET, extentStart);
        LittleEndian.putU64(bytes, NR_EXTENTS_OFFSET, nrExtents);
        LittleEndian.putU32(bytes, EXTENT_ORDER_OFFSET, extentOrder);
        LittleEndian.putU32(bytes, MEM_FLAGS_OFFSET, memFlags);
        LittleEndian.putU16(bytes, DOMID_OFFSET, domid);
        return bytes;
    }

    /**
     * Decodes the pointer form from a hypervisor copy. Padding is ignored, as Xen ignores it.
     *
     * @throws XenException EINVAL unless {@code bytes} holds exactly {@link #SIZE} bytes; E2BIG when
     *     {@code nr_extents} exceeds {@link ReservationLimits#MAX_NR_EXTENTS}
     */
    public static MemoryReservation decodePointer(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new XenException(XenErrno.EINVAL, "xen_memory_reservation is " + SIZE + " bytes, not " + bytes.length);
        }
        MemoryReservation reservation = new MemoryReservation(
                LittleEndian.u64(bytes, EXTENT_START_OFFSET),
                LittleEndian.u64(bytes, NR_EXTENTS_OFFSET),
                LittleEndian.u32Bits(bytes, EXTENT_ORDER_OFFSET),
                LittleEndian.u32Bits(bytes, MEM_FLAGS_OFFSET),
                LittleEndian.u16(bytes, DOMID_OFFSET));
        if (Long.compareUnsigned(reservation.nrExtents, ReservationLimits.MAX_NR_EXTENTS) > 0) {
            throw new XenException(XenErrno.E2BIG, "nr_extents " + Long.toUnsignedString(reservation.nrExtents) + " too large");
        }
        return reservation;
    }
}
