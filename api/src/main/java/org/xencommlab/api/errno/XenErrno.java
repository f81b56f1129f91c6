package org.xencommlab.api.errno;

import java.util.Optional;

/**
 * Xen's error numbers (xen/include/public/errno.h). A hypercall returns {@code -value()} on
 * failure; a guest sees exactly that number. The values are Xen's ABI and equal Linux's for the
 * ones listed here.
 */
public enum XenErrno {
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such entry"),
    ESRCH(3, "no such domain or process"),
    EINTR(4, "interrupted"),
    EIO(5, "I/O error"),
    E2BIG(7, "argument list too long"),
    EBADF(9, "bad file descriptor"),
    EAGAIN(11, "try again"),
    ENOMEM(12, "out of memory"),
    EACCES(13, "permission denied"),
    EFAULT(14, "bad address"),
    EBUSY(16, "busy"),
    EEXIST(17, "exists"),
    ENODEV(19, "no such device"),
    EINVAL(22, "invalid argument"),
    ENOSPC(28, "no space left"),
    ERANGE(34, "result out of range"),
    ENOSYS(38, "function not implemented"),
    ENODATA(61, "no data available"),
    EOVERFLOW(75, "value too large"),
    EOPNOTSUPP(95, "operation not supported");

    private final int value;
    private final String description;

    XenErrno(int value, String description) {
        this.value = value;
        this.description = description;
    }

    /** The positive errno number. */
    public int value() {
        return value;
    }

    /** The value a hypercall returns for this error: {@code -value()}. */
    public long asResult() {
        return -value;
    }

    public String description() {
        return description;
    }

    /** The errno whose number is {@code value}, if it is one of Xen's listed here. */
    public static Optional<XenErrno> fromValue(int value) {
        for (XenErrno errno : values()) {
            if (errno.value == value) {
                return Optional.of(errno);
            }
        }
        return Optional.empty();
    }

    /** The errno a negative hypercall result stands for, if any. */
    public static Optional<XenErrno> fromResult(long result) {
        if (result >= 0 || result < -4096) {
            return Optional.empty();
        }
        return fromValue((int) -result);
    }

    /** A readable name for a hypercall result: the number, or {@code -EFAULT} and the like. */
    public static String describeResult(long result) {
        return fromResult(result).map(e -> "-" + e.name()).orElse(Long.toString(result));
    }
}
