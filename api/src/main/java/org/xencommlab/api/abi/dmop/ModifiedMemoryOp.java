package org.xencommlab.api.abi.dmop;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * {@code struct xen_dm_op} with its {@code u.modified_memory} member, as buffer 0 of a dm_op holds
 * it. {@code sizeof(struct xen_dm_op)} is 32 on x86-64 (its union {@code u} is as large as its
 * largest member), but the hypervisor copies only {@code offsetof(struct xen_dm_op, u)} plus the
 * member's own size (xen/arch/x86/hvm/dm.c {@code dm_op}, {@code op_size[]}; Xen 4.10+), 16
 * bytes for modified_memory, so a buffer 0 of 16 bytes is enough:
 *
 * <pre>
 * offset size field                         type
 *      0    4 op                            u32: XEN_DMOP_modified_memory (11)
 *      4    4 pad                           u32, must be zero
 *      8    4 u.modified_memory.nr_extents  u32: in, extents to do; out, extents left
 *     12    4 u.modified_memory.opaque      u32: must be 0; pages done of the current extent (continuation)
 *     16   16 (rest of u)                   not read or written for modified_memory
 *     16      used; 32 sizeof (gcc, x86-64, Xen 4.16 and 4.19)
 * </pre>
 *
 * @param nrExtents {@code nr_extents}, the bits of a u32
 * @param opaque {@code opaque}, the bits of a u32
 */
public record ModifiedMemoryOp(int nrExtents, int opaque) {
    public static final int OP_OFFSET = 0;
    public static final int PAD_OFFSET = 4;
    public static final int NR_EXTENTS_OFFSET = 8;
    public static final int OPAQUE_OFFSET = 12;
    public static final int SIZE = 16;
    /** {@code sizeof(struct xen_dm_op)} on x86-64. */
    public static final int C_SIZEOF = 32;

    public static final StructLayout POINTER_LAYOUT = new StructLayout("xen_dm_op", AbiForm.POINTER, List.of(
            Field.u32("op", OP_OFFSET, "XEN_DMOP_modified_memory = 11"),
            Field.u32("pad", PAD_OFFSET, "must be zero"),
            Field.u32("u.modified_memory.nr_extents", NR_EXTENTS_OFFSET, "extents in buffer 1"),
            Field.u32("u.modified_memory.opaque", OPAQUE_OFFSET, "must be 0; continuation progress"),
            Field.padding("(rest of u)", SIZE, C_SIZEOF - SIZE)), C_SIZEOF, SIZE, 8);

    /** The 16 bytes of buffer 0. */
    public byte[] encode() {
        byte[] bytes = new byte[SIZE];
        encode(bytes, 0);
        return bytes;
    }

    /** Writes the 16 bytes at {@code offset}. */
    public void encode(byte[] bytes, int offset) {
        LittleEndian.putU32(bytes, offset + OP_OFFSET, DmOp.MODIFIED_MEMORY);
        LittleEndian.putU32(bytes, offset + PAD_OFFSET, 0);
        LittleEndian.putU32(bytes, offset + NR_EXTENTS_OFFSET, nrExtents);
        LittleEndian.putU32(bytes, offset + OPAQUE_OFFSET, opaque);
    }

    /**
     * Decodes the 16 bytes at {@code offset} (a hypervisor copy), checking them as {@code dm_op} does.
     *
     * @throws XenException EOPNOTSUPP for an operation at or beyond {@link DmOp#OP_TABLE_SIZE}
     *     (Xen's errno) and, a documented choice of the lab, for one inside Xen's table other than
     *     modified_memory (the only one modelled); EINVAL for a non-zero {@code pad}
     */
    public static ModifiedMemoryOp decode(byte[] bytes, int offset) {
        long op = LittleEndian.u32(bytes, offset + OP_OFFSET);
        if (op >= DmOp.OP_TABLE_SIZE) {
            throw new XenException(XenErrno.EOPNOTSUPP, "dm_op " + op + " is beyond Xen's table");
        }
        if (op != DmOp.MODIFIED_MEMORY) {
            throw new XenException(XenErrno.EOPNOTSUPP, "dm_op " + op + " is not modelled by the lab");
        }
        if (LittleEndian.u32Bits(bytes, offset + PAD_OFFSET) != 0) {
            throw new XenException(XenErrno.EINVAL, "xen_dm_op pad is not zero");
        }
        return new ModifiedMemoryOp(LittleEndian.u32Bits(bytes, offset + NR_EXTENTS_OFFSET), LittleEndian.u32Bits(bytes, offset + OPAQUE_OFFSET));
    }

    /**
     * Decodes buffer 0.
     *
     * @throws XenException EFAULT when fewer than 16 bytes are given (Xen's bounds-checked copy
     *     fails), EINVAL when more are given, and as {@link #decode(byte[], int)}
     */
    public static ModifiedMemoryOp decode(byte[] bytes) {
        if (bytes.length < SIZE) {
            throw new XenException(XenErrno.EFAULT, "buffer 0 of " + bytes.length + " bytes is shorter than the operation");
        }
        if (bytes.length > SIZE) {
            throw new XenException(XenErrno.EINVAL, "xen_dm_op copy of " + bytes.length + " bytes");
        }
        return decode(bytes, 0);
    }

    /** {@code nr_extents} as its unsigned value. */
    public long nrExtentsUnsigned() {
        return Integer.toUnsignedLong(nrExtents);
    }
}
