package org.xencommlab.api.paging;

import java.nio.ByteOrder;

/**
 * The format of an arch's page tables, which live in guest frames: the guest kernel writes them
 * through it, and an arch whose hypervisor walks guest page tables (x86) reads them through it.
 *
 * <p>A table occupies exactly one guest page and holds {@code pageSize / entrySize()} entries.
 * Level {@code levels() - 1} is the root; level 0 entries map pages. An implementation must
 * guarantee that {@link #decodeFrame} of {@link #pageEntry} or {@link #tableEntry} gives back the
 * frame, that {@link #isPresent} is false for {@link #notPresentEntry} whatever its payload, and
 * that every method is a pure function (formats are stateless and thread-safe).
 */
public interface PageTableFormat {
    /** Byte order of an entry in memory. */
    ByteOrder byteOrder();

    /** Number of levels, root included. */
    int levels();

    /** Bytes per entry. */
    default int entrySize() {
        return 8;
    }

    /** Index into the table of {@code level} for {@code virtualAddress}. */
    int indexAt(int level, long virtualAddress);

    /** An entry of a non-leaf table pointing to the table in guest frame {@code gfn}. */
    long tableEntry(long gfn);

    /** A leaf entry mapping guest frame {@code gfn} with the given permissions. */
    long pageEntry(long gfn, boolean writable, boolean user);

    /**
     * A not-present entry that carries {@code payload} (a swap slot, a migration marker) for the
     * kernel; {@code payload} uses at most 48 bits.
     */
    long notPresentEntry(long payload);

    boolean isPresent(long entry);

    boolean isWritable(long entry);

    boolean isUser(long entry);

    /** The guest frame a present entry points to. */
    long decodeFrame(long entry);

    /** The payload of a not-present entry made by {@link #notPresentEntry}. */
    long decodePayload(long entry);
}
