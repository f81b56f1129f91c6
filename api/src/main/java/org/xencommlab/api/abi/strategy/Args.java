package org.xencommlab.api.abi.strategy;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/** Argument-word helpers: missing words read as 0, as the hypervisor gate passes them. */
final class Args {
    private Args() {}

    static long word(long[] args, int index) {
        return args != null && index < args.length ? args[index] : 0;
    }

    /** A word as C's {@code unsigned int} parameter sees it: the low 32 bits. */
    static long u32(long[] args, int index) {
        return word(args, index) & 0xFFFF_FFFFL;
    }

    /** The result of a call clamped to {@code [0, max]}: how many items the guest may read back. */
    static int clamp(long result, long max) {
        return (int) Math.max(0, Math.min(result, max));
    }

    static void checkIndex(long index, long count, String what) {
        if (index < 0 || index >= count) {
            throw new XenException(XenErrno.EINVAL, what + " " + index + " out of range [0, " + count + ")");
        }
    }
}
