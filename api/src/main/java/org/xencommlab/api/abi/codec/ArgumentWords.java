package org.xencommlab.api.abi.codec;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/** Argument-word helpers for codecs: missing words read as 0, as the hypervisor gate passes them. */
public final class ArgumentWords {
    private ArgumentWords() {}

    /** Word {@code index} of {@code args}, 0 when absent. */
    public static long word(long[] args, int index) {
        return args != null && index < args.length ? args[index] : 0;
    }

    /** A word as C's {@code unsigned int} parameter sees it: the low 32 bits. */
    public static long u32(long[] args, int index) {
        return word(args, index) & 0xFFFF_FFFFL;
    }

    /** The result of a call clamped to {@code [0, max]}: how many items the guest may read back. */
    public static int clamp(long result, long max) {
        return (int) Math.max(0, Math.min(result, max));
    }

    /** EINVAL unless {@code 0 <= index < count}. */
    public static void checkIndex(long index, long count, String what) {
        if (index < 0 || index >= count) {
            throw new XenException(XenErrno.EINVAL, what + " " + index + " out of range [0, " + count + ")");
        }
    }
}
