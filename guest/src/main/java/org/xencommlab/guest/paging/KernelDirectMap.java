package org.xencommlab.guest.paging;

import static java.util.Objects.requireNonNull;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.paging.AddressSpaceLayout;

/**
 * The kernel half of every address space: the direct map, where guest-physical address
 * {@code p} is kernel virtual address {@code kernelDirectMapBase + p}. Frames the kernel hands
 * out as kernel memory are mapped present, writable and not user while they are kernel memory,
 * so that a hypervisor that walks page tables resolves kernel addresses.
 *
 * <p>The tables one level below the root that cover the domain's whole possible memory are made
 * at boot, so the kernel's root entries never change afterwards: a process's root copies them
 * once and every later kernel mapping, made below them, is seen by every process. Not
 * thread-safe: the kernel calls it under its lock.
 */
public final class KernelDirectMap {
    private final PageTables tables;
    private final PageSize pageSize;
    private final AddressSpaceLayout layout;
    private final long rootGfn;
    private final int firstRootIndex;
    private final int lastRootIndex;
    private final LongSupplier newTable;

    /**
     * Makes the kernel's root table and pre-allocates the direct map's upper tables.
     *
     * @param maxFrames frames the domain may ever hold (the direct map covers them all)
     * @param newTable gives a zeroed page-table frame, or -1 when memory is short
     * @throws XenException ENOMEM if the boot tables do not fit
     */
    public KernelDirectMap(PageTables tables, PageSize pageSize, AddressSpaceLayout layout, long maxFrames, LongSupplier newTable) {
        this.tables = requireNonNull(tables, "tables is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.newTable = requireNonNull(newTable, "newTable is null");
        int root = tables.rootLevel();
        long first = layout.kernelDirectMapBase();
        long last = first + pageSize.addressOf(maxFrames) - 1;
        this.firstRootIndex = tables.format().indexAt(root, first);
        this.lastRootIndex = tables.format().indexAt(root, last);
        if (lastRootIndex < firstRootIndex) {
            throw new IllegalArgumentException("the direct map wraps around the root table");
        }
        int userFirst = tables.format().indexAt(root, layout.userStart());
        int userLast = tables.format().indexAt(root, layout.userEnd() - 1);
        if (userFirst <= lastRootIndex && firstRootIndex <= userLast) {
            throw new IllegalArgumentException("user space and the direct map share root entries");
        }
        this.rootGfn = newTable.getAsLong();
        if (rootGfn < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame for the kernel's root page table");
        }
        for (int index = firstRootIndex; index <= lastRootIndex; index++) {
            long child = newTable.getAsLong();
            if (child < 0) {
                throw new XenException(XenErrno.ENOMEM, "no frame for the direct map's page tables");
            }
            tables.write(tables.entryAddressAt(rootGfn, index), tables.format().tableEntry(child));
        }
    }

    /** The kernel's own root table (the address space of kernel threads, {@code init_mm}). */
    public long rootGfn() {
        return rootGfn;
    }

    /** Copies the kernel's root entries into a new process root. */
    public void copyKernelEntriesInto(long processRootGfn) {
        for (int index = firstRootIndex; index <= lastRootIndex; index++) {
            tables.write(tables.entryAddressAt(processRootGfn, index), tables.read(tables.entryAddressAt(rootGfn, index)));
        }
    }

    /** Whether root entry {@code index} belongs to the kernel half. */
    public boolean isKernelRootIndex(int index) {
        return index >= firstRootIndex && index <= lastRootIndex;
    }

    /** The kernel virtual address of frame {@code gfn}. */
    public long kernelAddressOf(long gfn) {
        return layout.kernelAddressOf(pageSize.addressOf(gfn));
    }

    /**
     * Maps frame {@code gfn} into the direct map, present, writable, not user.
     *
     * @return false if a page table could not be allocated (nothing mapped)
     */
    public boolean map(long gfn) {
        long entryAddress = tables.leafEntryAddressAllocating(rootGfn, kernelAddressOf(gfn), newTable);
        if (entryAddress < 0) {
            return false;
        }
        tables.write(entryAddress, tables.format().pageEntry(gfn, true, false));
        return true;
    }

    /** Removes frame {@code gfn} from the direct map (its entry becomes empty). */
    public void unmap(long gfn) {
        long entryAddress = tables.leafEntryAddress(rootGfn, kernelAddressOf(gfn));
        if (entryAddress >= 0) {
            tables.write(entryAddress, 0);
        }
    }

    /** The leaf entry for kernel address {@code va}, 0 if none. */
    public long entryFor(long va) {
        return tables.leafEntry(rootGfn, va);
    }

    /** Frees every table of the direct map and the kernel root (kernel shutdown). */
    public void destroy(LongConsumer freeTable) {
        tables.freeBelow(rootGfn, tables.rootLevel(), 0, tables.entriesPerTable() - 1, freeTable);
        freeTable.accept(rootGfn);
    }
}
