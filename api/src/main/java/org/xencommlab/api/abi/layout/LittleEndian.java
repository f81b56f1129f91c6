package org.xencommlab.api.abi.layout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads and writes little-endian (x86-64) fields in byte arrays. Callers check bounds first; an
 * out-of-range offset is a programming error ({@link IndexOutOfBoundsException}).
 */
public final class LittleEndian {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    public static int u8(byte[] bytes, int offset) {
        return Byte.toUnsignedInt(bytes[offset]);
    }

    public static int u16(byte[] bytes, int offset) {
        return Short.toUnsignedInt((short) SHORT.get(bytes, offset));
    }

    /** A u32 as the int with the same bits. */
    public static int u32Bits(byte[] bytes, int offset) {
        return (int) INT.get(bytes, offset);
    }

    /** A u32 as its unsigned value. */
    public static long u32(byte[] bytes, int offset) {
        return Integer.toUnsignedLong((int) INT.get(bytes, offset));
    }

    public static long u64(byte[] bytes, int offset) {
        return (long) LONG.get(bytes, offset);
    }

    public static void putU8(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) value;
    }

    public static void putU16(byte[] bytes, int offset, int value) {
        SHORT.set(bytes, offset, (short) value);
    }

    public static void putU32(byte[] bytes, int offset, long value) {
        INT.set(bytes, offset, (int) value);
    }

    public static void putU64(byte[] bytes, int offset, long value) {
        LONG.set(bytes, offset, value);
    }

    /** Whether {@code length} bytes from {@code offset} are all zero. */
    public static boolean isZero(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
