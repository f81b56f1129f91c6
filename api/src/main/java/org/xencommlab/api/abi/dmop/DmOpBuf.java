package org.xencommlab.api.abi.dmop;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * {@code struct xen_dm_op_buf} (xen/include/public/hvm/dm_op.h): one entry of {@code dm_op}'s
 * top-level buffer array. Pointer form only (the embedded form has no handles). On x86-64:
 *
 * <pre>
 * offset size field  type
 *      0    8 h      XEN_GUEST_HANDLE(void)
 *      8    8 size   xen_ulong_t: bytes the handle names
 *     16      total, aligned to 8
 * </pre>
 *
 * @param handle the raw handle word
 * @param size bytes it names, unsigned
 */
public record DmOpBuf(long handle, long size) {
    public static final int HANDLE_OFFSET = 0;
    public static final int SIZE_OFFSET = 8;
    public static final int SIZE = 16;

    public static final StructLayout POINTER_LAYOUT = new StructLayout("xen_dm_op_buf", AbiForm.POINTER, List.of(
            Field.handle("h", HANDLE_OFFSET, "the buffer"),
            Field.u64("size", SIZE_OFFSET, "bytes it names")), SIZE, 8);

    /** Encodes an array of buffers. */
    public static byte[] encodeArray(List<DmOpBuf> bufs) {
        byte[] bytes = new byte[bufs.size() * SIZE];
        for (int i = 0; i < bufs.size(); i++) {
            LittleEndian.putU64(bytes, i * SIZE + HANDLE_OFFSET, bufs.get(i).handle);
            LittleEndian.putU64(bytes, i * SIZE + SIZE_OFFSET, bufs.get(i).size);
        }
        return bytes;
    }

    /**
     * Decodes a hypervisor copy of a buffer array.
     *
     * @throws XenException EINVAL unless the length is a multiple of {@link #SIZE}; E2BIG for more
     *     than {@link DmOp#MAX_BUFS} buffers
     */
    public static List<DmOpBuf> decodeArray(byte[] bytes) {
        if (bytes.length % SIZE != 0) {
            throw new XenException(XenErrno.EINVAL, "buffer array of " + bytes.length + " bytes");
        }
        if (bytes.length / SIZE > DmOp.MAX_BUFS) {
            throw new XenException(XenErrno.E2BIG, (bytes.length / SIZE) + " dm_op buffers, at most " + DmOp.MAX_BUFS);
        }
        DmOpBuf[] bufs = new DmOpBuf[bytes.length / SIZE];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = new DmOpBuf(LittleEndian.u64(bytes, i * SIZE + HANDLE_OFFSET), LittleEndian.u64(bytes, i * SIZE + SIZE_OFFSET));
        }
        return List.of(bufs);
    }
}
