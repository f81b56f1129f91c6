package org.xencommlab.api.abi.multicall;

import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * {@code struct multicall_entry} (xen/include/public/xen.h): one call of a multicall. On x86-64,
 * in both forms:
 *
 * <pre>
 * offset size field    type
 *      0    8 op       xen_ulong_t: the hypercall number
 *      8    8 result   xen_long_t: written back by the hypervisor
 *     16   48 args[6]  xen_ulong_t each: the call's argument words
 *     64      total, aligned to 8
 * </pre>
 *
 * @param op the hypercall number
 * @param result the result word
 * @param args the six argument words, copied
 */
public record MulticallEntry(long op, long result, long[] args) {
    public static final int OP_OFFSET = 0;
    public static final int RESULT_OFFSET = 8;
    public static final int ARGS_OFFSET = 16;
    public static final int NR_ARGS = 6;
    public static final int SIZE = 64;

    public static final StructLayout POINTER_LAYOUT = layout(AbiForm.POINTER);
    public static final StructLayout EMBEDDED_LAYOUT = layout(AbiForm.EMBEDDED);

    public MulticallEntry {
        if (args.length != NR_ARGS) {
            throw new IllegalArgumentException("a multicall entry has six argument words: " + args.length);
        }
        args = args.clone();
    }

    /** An entry for hypercall {@code op} with up to six argument words (missing ones are 0). */
    public static MulticallEntry of(long op, long... args) {
        if (args.length > NR_ARGS) {
            throw new IllegalArgumentException("a multicall entry has six argument words: " + args.length);
        }
        return new MulticallEntry(op, 0, Arrays.copyOf(args, NR_ARGS));
    }

    private static StructLayout layout(AbiForm form) {
        return new StructLayout("multicall_entry", form, List.of(
                Field.u64("op", OP_OFFSET, "hypercall number"),
                Field.u64("result", RESULT_OFFSET, "written back by the hypervisor"),
                Field.array("args", ARGS_OFFSET, 8, NR_ARGS, form == AbiForm.POINTER
                        ? "argument words; may hold handles"
                        : "argument words; a memory argument names the call's own block")), SIZE, 8);
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    /** Argument word {@code index}. */
    public long arg(int index) {
        return args[index];
    }

    /** Whether this entry is itself a multicall, which Xen refuses (-EINVAL in its result). */
    public boolean isNested() {
        return op == HypercallNumber.MULTICALL;
    }

    /** Writes the 64 bytes at {@code offset} of {@code bytes}. */
    public void encode(byte[] bytes, int offset) {
        LittleEndian.putU64(bytes, offset + OP_OFFSET, op);
        LittleEndian.putU64(bytes, offset + RESULT_OFFSET, result);
        for (int i = 0; i < NR_ARGS; i++) {
            LittleEndian.putU64(bytes, offset + ARGS_OFFSET + 8 * i, args[i]);
        }
    }

    public byte[] encode() {
        byte[] bytes = new byte[SIZE];
        encode(bytes, 0);
        return bytes;
    }

    /** Decodes the entry at {@code offset}; every 64 bytes are an entry. Caller checks bounds. */
    public static MulticallEntry decode(byte[] bytes, int offset) {
        long[] args = new long[NR_ARGS];
        for (int i = 0; i < NR_ARGS; i++) {
            args[i] = LittleEndian.u64(bytes, offset + ARGS_OFFSET + 8 * i);
        }
        return new MulticallEntry(LittleEndian.u64(bytes, offset + OP_OFFSET), LittleEndian.u64(bytes, offset + RESULT_OFFSET), args);
    }

    /**
     * Decodes a hypervisor copy of one entry.
     *
     * @throws XenException EINVAL unless {@code bytes} holds exactly {@link #SIZE} bytes
     */
    public static MulticallEntry decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new XenException(XenErrno.EINVAL, "multicall_entry is " + SIZE + " bytes, not " + bytes.length);
        }
        return decode(bytes, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MulticallEntry e && e.op == op && e.result == result && Arrays.equals(e.args, args);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(op) * 31 + Long.hashCode(result)) * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "MulticallEntry[op=" + HypercallNumber.name(op) + ", result=" + result + ", args=" + Arrays.toString(args) + "]";
    }
}
