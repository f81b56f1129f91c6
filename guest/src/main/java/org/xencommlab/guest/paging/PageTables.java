package org.xencommlab.guest.paging;

import static java.util.Objects.requireNonNull;

import java.nio.ByteOrder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.paging.PageTableFormat;

/**
 * Page tables in guest memory, in the arch's {@link PageTableFormat}: reading and writing entries
 * with {@link GuestPhysicalMemory#readLong}/{@link GuestPhysicalMemory#writeLong} in the format's
 * byte order, walking from a root table, and growing or freeing the tree. This is the guest CPU's
 * MMU and the kernel's page-table code in one: it holds no state of its own besides the format,
 * so what it reports is exactly what a hypervisor walking the same frames would see.
 */
public final class PageTables {
    private final GuestPhysicalMemory memory;
    private final PageTableFormat format;
    private final PageSize pageSize;
    private final ByteOrder order;
    private final int levels;
    private final int entrySize;
    private final int entriesPerTable;

    public PageTables(GuestPhysicalMemory memory, PageTableFormat format, PageSize pageSize) {
        this.memory = requireNonNull(memory, "memory is null");
        this.format = requireNonNull(format, "format is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.order = format.byteOrder();
        this.levels = format.levels();
        this.entrySize = format.entrySize();
        if (levels < 2) {
            throw new IllegalArgumentException("a page-table format needs at least two levels, not " + levels);
        }
        if (entrySize != 8) {
            throw new IllegalArgumentException("only 8-byte page-table entries are supported, not " + entrySize);
        }
        this.entriesPerTable = pageSize.bytes() / entrySize;
    }

    public PageTableFormat format() {
        return format;
    }

    public int levels() {
        return levels;
    }

    public int rootLevel() {
        return levels - 1;
    }

    public int entriesPerTable() {
        return entriesPerTable;
    }

    /** Guest-physical address of table {@code tableGfn}'s entry for {@code va} at {@code level}. */
    public long entryAddress(long tableGfn, int level, long va) {
        return pageSize.addressOf(tableGfn) + (long) format.indexAt(level, va) * entrySize;
    }

    /** Guest-physical address of entry {@code index} of table {@code tableGfn}. */
    public long entryAddressAt(long tableGfn, int index) {
        return pageSize.addressOf(tableGfn) + (long) index * entrySize;
    }

    public long read(long entryAddress) {
        return memory.readLong(entryAddress, order);
    }

    public void write(long entryAddress, long entry) {
        memory.writeLong(entryAddress, entry, order);
    }

    /** Zeroes a table frame (all entries empty). */
    public void clearTable(long tableGfn) {
        memory.zero(pageSize.addressOf(tableGfn), pageSize.bytes());
    }

    /**
     * Walks from {@code rootGfn} down to the level-0 entry for {@code va} and returns its
     * guest-physical address, or -1 if a table on the way is not present. Reads one entry per
     * upper level.
     */
    public long leafEntryAddress(long rootGfn, long va) {
        long table = rootGfn;
        for (int level = levels - 1; level > 0; level--) {
            long entry = read(entryAddress(table, level, va));
            if (!format.isPresent(entry)) {
                return -1;
            }
            table = format.decodeFrame(entry);
        }
        return entryAddress(table, 0, va);
    }

    /** The level-0 entry for {@code va}, or 0 if a table on the way is missing. */
    public long leafEntry(long rootGfn, long va) {
        long address = leafEntryAddress(rootGfn, va);
        return address < 0 ? 0 : read(address);
    }

    /**
     * Like {@link #leafEntryAddress} but makes missing tables with {@code newTable} (which returns
     * a zeroed table frame, or -1 when memory is short); returns -1 if a table could not be made.
     * Tables made before a failure stay in the tree, empty (Linux keeps them too).
     */
    public long leafEntryAddressAllocating(long rootGfn, long va, LongSupplier newTable) {
        long table = rootGfn;
        for (int level = levels - 1; level > 0; level--) {
            long address = entryAddress(table, level, va);
            long entry = read(address);
            if (format.isPresent(entry)) {
                table = format.decodeFrame(entry);
            } else {
                long child = newTable.getAsLong();
                if (child < 0) {
                    return -1;
                }
                write(address, format.tableEntry(child));
                table = child;
            }
        }
        return entryAddress(table, 0, va);
    }

    /**
     * Frees every table below entry indices {@code [fromIndex, toIndex]} of table
     * {@code tableGfn} at {@code level} (not the table itself), handing each table frame to
     * {@code freeTable}, and clears those entries. Leaf pages are not touched: their frames
     * belong to whoever mapped them.
     */
    public void freeBelow(long tableGfn, int level, int fromIndex, int toIndex, LongConsumer freeTable) {
        if (level == 0) {
            return;
        }
        for (int index = fromIndex; index <= toIndex; index++) {
            long address = entryAddressAt(tableGfn, index);
            long entry = read(address);
            if (format.isPresent(entry)) {
                long child = format.decodeFrame(entry);
                freeBelow(child, level - 1, 0, entriesPerTable - 1, freeTable);
                write(address, 0);
                freeTable.accept(child);
            }
        }
    }
}
