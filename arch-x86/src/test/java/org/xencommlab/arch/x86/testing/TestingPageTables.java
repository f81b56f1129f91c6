package org.xencommlab.arch.x86.testing;

import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * An x86-64 address space whose four-level tables live in frames of a
 * {@link TestingGuestPhysicalMemory}, written through {@link X86PageTableFormat}, as a guest
 * kernel keeps them. Intermediate tables are made on demand from the kernel's frame allocator.
 */
public final class TestingPageTables {
    private final TestingKernelServices kernel;
    private final TestingGuestPhysicalMemory memory;
    private final X86PageTableFormat format = new X86PageTableFormat();
    private final PageSize pageSize;
    private final long rootGfn;

    public TestingPageTables(TestingKernelServices kernel) {
        this.kernel = kernel;
        this.memory = kernel.testingMemory();
        this.pageSize = kernel.pageSize();
        this.rootGfn = kernel.allocateFrame();
    }

    public X86PageTableFormat format() {
        return format;
    }

    /** The root table's guest-physical address: what CR3 holds. */
    public long root() {
        return pageSize.addressOf(rootGfn);
    }

    /** Maps the 4 KiB page holding {@code va} to {@code gfn}. */
    public void map(long va, long gfn, boolean writable, boolean user) {
        setEntry(0, va, format.pageEntry(gfn, writable, user));
    }

    /** Writes the entry of {@code level} for {@code va}, making the tables above it as needed. */
    public void setEntry(int level, long va, long entry) {
        memory.writeLong(entryAddress(level, va, true), entry, format.byteOrder());
    }

    /** The entry of {@code level} for {@code va}, or 0 if a table above it is missing. */
    public long entry(int level, long va) {
        long address = entryAddress(level, va, false);
        return address < 0 ? 0 : memory.readLong(address, format.byteOrder());
    }

    /** The guest frame of the table of {@code level} that {@code va} goes through, or -1. */
    public long tableFrame(int level, long va) {
        long address = entryAddress(level, va, false);
        return address < 0 ? -1 : pageSize.pageOf(address);
    }

    private long entryAddress(int level, long va, boolean create) {
        long table = rootGfn;
        for (int l = X86PageTableFormat.LEVELS - 1; l > level; l--) {
            long address = pageSize.addressOf(table) + 8L * format.indexAt(l, va);
            long entry = memory.readLong(address, format.byteOrder());
            if (!format.isPresent(entry)) {
                if (!create) {
                    return -1;
                }
                long next = kernel.allocateFrame();
                memory.writeLong(address, format.tableEntry(next), format.byteOrder());
                entry = format.tableEntry(next);
            }
            table = format.decodeFrame(entry);
        }
        return pageSize.addressOf(table) + 8L * format.indexAt(level, va);
    }
}
