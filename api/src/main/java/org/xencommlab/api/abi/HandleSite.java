package org.xencommlab.api.abi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * Where one guest handle sits in a hypercall's arguments and how many bytes it names, with the
 * handles nested in the memory it names. A kernel that must rewrite handles (xencomm descriptor
 * mode) walks these.
 *
 * @param argIndex for a top-level handle, the argument word holding it; -1 for a nested one
 * @param fieldOffset for a nested handle, its byte offset inside the parent's memory; -1 otherwise
 * @param length bytes the handle names
 * @param nested handles inside the memory this one names
 */
public record HandleSite(int argIndex, long fieldOffset, long length, List<HandleSite> nested) {
    /** The most bytes one handle may name (64 MiB): beyond it a kernel refuses the call with E2BIG. */
    public static final long MAX_LENGTH = 64L << 20;

    public HandleSite {
        nested = List.copyOf(requireNonNull(nested, "nested is null"));
        if ((argIndex < 0) == (fieldOffset < 0)) {
            throw new IllegalArgumentException("a handle is either an argument or a field");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
    }

    /**
     * {@code length}, or E2BIG when a handle would name more than {@link #MAX_LENGTH} bytes (a
     * negative length is an unsigned one beyond it).
     */
    public static long bounded(long length) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new XenException(XenErrno.E2BIG, "a handle naming " + Long.toUnsignedString(length) + " bytes exceeds " + MAX_LENGTH);
        }
        return length;
    }

    public static HandleSite argument(int argIndex, long length, List<HandleSite> nested) {
        return new HandleSite(argIndex, -1, length, nested);
    }

    public static HandleSite field(long fieldOffset, long length, List<HandleSite> nested) {
        return new HandleSite(-1, fieldOffset, length, nested);
    }
}
