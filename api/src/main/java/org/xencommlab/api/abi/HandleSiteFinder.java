package org.xencommlab.api.abi;

import java.util.List;
import java.util.Optional;

/**
 * Finds the guest handles in a hypercall's arguments, in the pointer form of the ABI, so that a
 * kernel can rewrite them (Linux's xencomm whitelist did this per hypercall).
 *
 * <p>An implementation must guarantee that it reads guest memory only through {@code reader},
 * treats what it reads as hostile (it never throws for any content: a count too large to be
 * sound makes the hypercall unsupported), and returns empty for a hypercall it does not know.
 */
public interface HandleSiteFinder {
    /** Reads the calling process's memory at a (user) address. */
    @FunctionalInterface
    interface MemoryReader {
        void read(long address, byte[] dst, int dstOffset, int length);
    }

    /** The handle sites of hypercall {@code op} with {@code args}, or empty if {@code op} is unknown. */
    Optional<List<HandleSite>> find(int op, long[] args, MemoryReader reader);

    /** A finder that knows no hypercall. */
    HandleSiteFinder NONE = (op, args, reader) -> Optional.empty();
}
