package org.xencommlab.guest.kernel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.guest.paging.KernelDirectMap;
import org.xencommlab.guest.paging.PageTables;

/**
 * The address space of one process (Linux's {@code mm_struct}): its VMAs, its anonymous pages and
 * their page-table entries in guest memory (the kernel half of the root is shared with every
 * process), the first-fit gap search, unmapping, demand paging, pins, driver mappings and the
 * mlock accounting that {@code RLIMIT_MEMLOCK} limits. It owns the counts of its resident pages,
 * page-table frames (root included) and migration targets; {@link PageReclaim} changes them only
 * through {@link #residentChanged} and {@link #migrationTargetsChanged} when it moves a page.
 *
 * <p>Invalid arguments get the errno Linux gives and change nothing. It knows nothing of system
 * calls, kills or clean-ups: that is {@link ProcessControl}'s part.
 *
 * <p>Locking: every method but the constant ones ({@link #pid()}, {@link #rootGfn()},
 * {@link #lock()}) requires the caller to hold the kernel's memory lock ({@link #lock()}, which is
 * {@link PageReclaim#lock()}), which also guards reclaim's view of these pages. Nothing here
 * calls the hypervisor, the scheduler or a clean-up: the driver clean-ups an unmap makes due are
 * returned for the caller to run once it has let go of the lock.
 */
final class AddressSpace {
    private final int pid;
    private final long rootGfn;
    private final PageReclaim reclaim;
    private final PageTables tables;
    private final PageTableFormat format;
    private final KernelDirectMap directMap;
    private final AddressSpaceLayout layout;
    private final PageSize pageSize;
    private final GuestPhysicalMemory memory;
    private final RunMetrics metrics;
    private final long mlockLimitPages;
    private final long mmapBase;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>(Long::compareUnsigned);
    private final TreeMap<Long, UserPage> pages = new TreeMap<>();
    private boolean live = true;
    private int lockedPages;
    private int residentPages;
    private int tableFrames = 1;
    private int migrationFrames;

    AddressSpace(int pid, long rootGfn, PageReclaim reclaim, PageTables tables, KernelDirectMap directMap,
            AddressSpaceLayout layout, PageSize pageSize, GuestPhysicalMemory memory, RunMetrics metrics,
            long mlockLimitPages, long mmapMinAddress) {
        this.pid = pid;
        this.rootGfn = rootGfn;
        this.reclaim = reclaim;
        this.tables = tables;
        this.format = tables.format();
        this.directMap = directMap;
        this.layout = layout;
        this.pageSize = pageSize;
        this.memory = memory;
        this.metrics = metrics;
        this.mlockLimitPages = mlockLimitPages;
        long base = Math.max(layout.userStart(), mmapMinAddress);
        this.mmapBase = (base + pageSize.offsetMask()) & ~pageSize.offsetMask();
    }

    int pid() {
        return pid;
    }

    /** The lock that guards it: the kernel's memory lock. */
    Object lock() {
        return reclaim.lock();
    }

    long rootGfn() {
        return rootGfn;
    }

    /** Whether reclaim may move its pages: false once its process starts exiting. */
    boolean live() {
        return live;
    }

    void retire() {
        live = false;
    }

    // ---- counts ----

    int lockedPages() {
        return lockedPages;
    }

    int residentPages() {
        return residentPages;
    }

    int tableFrames() {
        return tableFrames;
    }

    long framesInUse() {
        return (long) residentPages + tableFrames + migrationFrames;
    }

    void residentChanged(int delta) {
        residentPages += delta;
    }

    void migrationTargetsChanged(int delta) {
        migrationFrames += delta;
    }

    int swappedPages() {
        int n = 0;
        for (UserPage page : pages.values()) {
            if (page.swapSlot >= 0) {
                n++;
            }
        }
        return n;
    }

    int pins() {
        int n = 0;
        for (UserPage page : pages.values()) {
            n += page.pins;
        }
        return n;
    }

    int vmaCount() {
        return vmas.size();
    }

    boolean isLocked(long address) {
        UserPage page = pageAt(address);
        return page != null && page.locked;
    }

    long pageTableEntry(long address) {
        return tables.leafEntry(rootGfn, pageSize.roundDown(address));
    }

    /** Its anonymous pages, lowest address first. */
    Collection<UserPage> pages() {
        return pages.values();
    }

    UserPage pageAt(long address) {
        return pages.get(pageSize.pageOf(address));
    }

    // ---- mmap, munmap, mlock, munlock ----

    long mmap(long length) {
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "mmap of " + length + " bytes");
        }
        long address = findGap(length);
        long end = address + pageSize.addressOf(pageSize.pagesFor(length));
        vmas.put(address, new Vma(address, end, null, 0));
        return address;
    }

    /** Unmaps whole pages; returns the driver clean-ups now due. */
    List<Runnable> munmap(long address, long length) {
        if (pageSize.offsetIn(address) != 0 || length <= 0 || !layout.isCanonical(address) || !layout.isUserRange(address, length)) {
            throw new XenException(XenErrno.EINVAL, "munmap(0x" + Long.toHexString(address) + ", " + length + ")");
        }
        long end = address + pageSize.addressOf(pageSize.pagesFor(length));
        if (Long.compareUnsigned(end, layout.userEnd()) > 0 || Long.compareUnsigned(end, address) < 0) {
            throw new XenException(XenErrno.EINVAL, "munmap range past user space");
        }
        return unmap(address, end);
    }

    /** @return null (a value, so that a caller can hand it on as a result) */
    Void mlock(long address, long length) {
        long[] range = lockRange(address, length);
        mlockRange(range[0], range[1]);
        metrics.add(Counter.MLOCKED_PAGES, pageSize.pagesSpanned(range[0], range[1] - range[0]));
        return null;
    }

    /** @return null, as {@link #mlock} */
    Void munlock(long address, long length) {
        long[] range = lockRange(address, length);
        if (range[0] != range[1]) {
            checkCovered(range[0], range[1], XenErrno.ENOMEM);
            int unlocked = 0;
            for (UserPage page : pagesIn(range[0], range[1])) {
                if (page.locked) {
                    page.locked = false;
                    unlocked++;
                }
            }
            lockedPages -= unlocked;
            metrics.adjust(Gauge.LOCKED_PAGES, -unlocked);
        }
        metrics.add(Counter.MUNLOCKED_PAGES, pageSize.pagesSpanned(range[0], range[1] - range[0]));
        return null;
    }

    /**
     * Unmaps all of user space and frees every page table below the root's user entries and the
     * root itself, and leaves reclaim's registry; returns the driver clean-ups now due.
     */
    List<Runnable> destroy() {
        List<Runnable> closed = unmap(layout.userStart(), layout.userEnd());
        for (int index = 0; index < tables.entriesPerTable(); index++) {
            if (!directMap.isKernelRootIndex(index)) {
                tables.freeBelow(rootGfn, tables.rootLevel(), index, index, this::freeTable);
            }
        }
        freeTable(rootGfn);
        reclaim.unregister(this);
        return closed;
    }

    // ---- user-mode loads and stores, the MMU and the page-fault handler ----

    /** A user load ({@code write} false) or store of {@code length} bytes through the tables. */
    void access(long address, int length, boolean write, byte[] buffer, int offset) {
        checkUserRange(address, length);
        long va = address;
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(va));
            long physical = pageSize.addressOf(mmuTranslate(va, write)) + pageSize.offsetIn(va);
            if (write) {
                memory.write(physical, buffer, offset + done, piece);
            } else {
                memory.read(physical, buffer, offset + done, piece);
            }
            done += piece;
            va += piece;
        }
    }

    /**
     * The MMU: walks the tables in guest memory; on a miss, the page-fault handler; then walks
     * again. EFAULT, changing nothing, if the handler cannot make the walk succeed: the kernel's
     * record says the page is mapped, but the tables in guest memory no longer say so (the guest
     * gave a page-table frame back to the hypervisor and got a zeroed one in its place, say).
     */
    private long mmuTranslate(long va, boolean write) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long entry = tables.leafEntry(rootGfn, va);
            if (format.isPresent(entry) && format.isUser(entry) && (!write || format.isWritable(entry))) {
                return format.decodeFrame(entry);
            }
            Vma vma = vmaAt(va);
            if (vma == null) {
                throw new XenException(XenErrno.EFAULT, "fault at unmapped 0x" + Long.toHexString(va));
            }
            faultIn(vma, pageSize.pageOf(va));
        }
        throw new XenException(XenErrno.EFAULT, "page fault at 0x" + Long.toHexString(va)
                + ": the page tables in guest memory do not hold the page the kernel mapped");
    }

    /** Makes page {@code vpn} present (zero fill, swap in, or migration completion); returns its frame. */
    private long faultIn(Vma vma, long vpn) {
        if (!vma.anonymous()) {
            return vma.driver.gfns[vma.pageOffset + (int) (vpn - pageSize.pageOf(vma.start))];
        }
        UserPage page = pages.get(vpn);
        if (page != null && page.present()) {
            return page.gfn;
        }
        metrics.increment(Counter.PAGE_FAULTS);
        if (page != null && page.migration != null) {
            reclaim.completeMigration(page.migration);
            return page.gfn;
        }
        if (page != null && page.swapSlot >= 0) {
            reclaim.swapIn(page);
            return page.gfn;
        }
        boolean fresh = page == null;
        if (fresh) {
            page = new UserPage(this, vpn);
        }
        long gfn = reclaim.newUserFrame(page);
        if (gfn < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame for a page fault");
        }
        if (!installPte(vpn, format.pageEntry(gfn, true, true))) {
            reclaim.freeUserFrame(gfn);
            throw new XenException(XenErrno.ENOMEM, "no page table for a page fault");
        }
        page.gfn = gfn;
        residentPages++;
        if (fresh) {
            pages.put(vpn, page);
        }
        return gfn;
    }

    // ---- what a driver does for the process ----

    long[] pin(long address, int nrPages) {
        if (pageSize.offsetIn(address) != 0 || nrPages <= 0) {
            throw new XenException(XenErrno.EINVAL, "pin of " + nrPages + " pages at 0x" + Long.toHexString(address));
        }
        long length = pageSize.addressOf(nrPages);
        checkUserRange(address, length);
        for (Map.Entry<Long, Vma> entry : vmasIn(address, address + length)) {
            if (!entry.getValue().anonymous()) {
                throw new XenException(XenErrno.EFAULT, "get_user_pages on a driver mapping");
            }
        }
        long[] gfns = new long[nrPages];
        List<UserPage> pinned = new ArrayList<>(nrPages);
        try {
            for (int i = 0; i < nrPages; i++) {
                long va = address + pageSize.addressOf(i);
                faultIn(vmaAt(va), pageSize.pageOf(va));
                UserPage page = pages.get(pageSize.pageOf(va));
                page.pins++;
                pinned.add(page);
                gfns[i] = page.gfn;
            }
        } catch (XenException e) {
            pinned.forEach(reclaim::unpin);
            throw e;
        }
        return gfns;
    }

    /** Drops pins on frames of this process's pages (orphans included); EINVAL, changing nothing, for any other frame. */
    void unpin(long[] gfns) {
        Map<UserPage, Integer> wanted = new LinkedHashMap<>();
        for (long gfn : gfns) {
            UserPage page = reclaim.userPageAt(gfn);
            if (page == null || page.pid != pid) {
                throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(gfn) + " is not a page of pid " + pid);
            }
            int n = wanted.merge(page, 1, Integer::sum);
            if (n > page.pins) {
                throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(gfn) + " is not pinned that often");
            }
        }
        for (long gfn : gfns) {
            reclaim.unpin(reclaim.userPageAt(gfn));
        }
    }

    /** The guest-physical address user {@code address} maps to now, or -1 (nothing is faulted in). */
    long translate(long address) {
        if (!layout.isCanonical(address) || !layout.isUserRange(address, 1)) {
            return -1;
        }
        long entry = tables.leafEntry(rootGfn, address);
        if (!format.isPresent(entry)) {
            return -1;
        }
        return pageSize.addressOf(format.decodeFrame(entry)) + pageSize.offsetIn(address);
    }

    long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        if (gfns.length == 0) {
            throw new XenException(XenErrno.EINVAL, "mapping of no frames");
        }
        for (long gfn : gfns) {
            if (!reclaim.isKernelFrame(gfn)) {
                throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(gfn) + " is not kernel memory");
            }
        }
        long length = pageSize.addressOf(gfns.length);
        long address = findGap(length);
        Vma.DriverMapping mapping = new Vma.DriverMapping(gfns.clone(), onUnmap);
        for (int i = 0; i < gfns.length; i++) {
            if (!installPte(pageSize.pageOf(address) + i, format.pageEntry(gfns[i], true, true))) {
                for (int j = 0; j < i; j++) {
                    writePte(pageSize.pageOf(address) + j, 0);
                }
                throw new XenException(XenErrno.ENOMEM, "no page table for a driver mapping");
            }
        }
        vmas.put(address, new Vma(address, address + length, mapping, 0));
        return address;
    }

    /**
     * {@code copy_to_user} ({@code toUser}) or {@code copy_from_user} between a kernel block and user memory.
     *
     * @return null, as {@link #mlock}
     */
    Void kernelCopy(long userAddress, KernelBlock block, int blockOffset, int length, boolean toUser) {
        if (blockOffset < 0 || length < 0 || (long) blockOffset + length > block.length()) {
            throw new XenException(XenErrno.EINVAL, "copy of " + length + " bytes at " + blockOffset + " of a " + block.length() + "-byte block");
        }
        if (length == 0) {
            return null;
        }
        long firstKernelPhysical = block.physicalAddress() + blockOffset;
        if (!reclaim.isKernelFrame(pageSize.pageOf(firstKernelPhysical))
                || !reclaim.isKernelFrame(pageSize.pageOf(firstKernelPhysical + length - 1))) {
            throw new XenException(XenErrno.EINVAL, "block is not kernel memory: " + block);
        }
        checkUserRange(userAddress, length);
        byte[] scratch = reclaim.scratch();
        int done = 0;
        while (done < length) {
            long user = userAddress + done;
            long kernelPhysical = firstKernelPhysical + done;
            int piece = Math.min(length - done, Math.min(pageSize.bytesToPageEnd(user), pageSize.bytesToPageEnd(kernelPhysical)));
            long userPhysical = pageSize.addressOf(faultIn(vmaAt(user), pageSize.pageOf(user))) + pageSize.offsetIn(user);
            if (toUser) {
                memory.read(kernelPhysical, scratch, 0, piece);
                memory.write(userPhysical, scratch, 0, piece);
            } else {
                memory.read(userPhysical, scratch, 0, piece);
                memory.write(kernelPhysical, scratch, 0, piece);
            }
            done += piece;
        }
        metrics.add(Counter.KERNEL_COPY_BYTES, length);
        return null;
    }

    // ---- page-table entries ----

    /** Writes the leaf entry of page {@code vpn}, whose tables exist. */
    void writePte(long vpn, long entry) {
        long address = tables.leafEntryAddress(rootGfn, pageSize.addressOf(vpn));
        if (address < 0) {
            if (entry == 0) {
                return;
            }
            throw new IllegalStateException("no page table for page 0x" + Long.toHexString(vpn));
        }
        tables.write(address, entry);
    }

    /**
     * Clears the leaf entry of page {@code vpn} as its mapping goes. A table frame on the way
     * that the guest gave back to Xen (EFAULT) holds no entry to clear: the unmap goes on, so
     * the page's frame and swap slot are still released from the kernel's own record.
     */
    private void clearPte(long vpn) {
        try {
            writePte(vpn, 0);
        } catch (XenException e) {
            if (e.errno() != XenErrno.EFAULT) {
                throw e;
            }
        }
    }

    /** Writes the leaf entry of page {@code vpn}, making tables as needed; false if memory is short. */
    boolean installPte(long vpn, long entry) {
        long address = tables.leafEntryAddressAllocating(rootGfn, pageSize.addressOf(vpn), this::newTable);
        if (address < 0) {
            return false;
        }
        tables.write(address, entry);
        return true;
    }

    private long newTable() {
        long gfn = reclaim.newTable();
        if (gfn >= 0) {
            tableFrames++;
        }
        return gfn;
    }

    private void freeTable(long gfn) {
        reclaim.freeFrame(gfn);
        tableFrames--;
    }

    // ---- VMAs ----

    /** A user access to [address, address + length): canonical, in user space, every byte in a VMA; else EFAULT. */
    private void checkUserRange(long address, long length) {
        if (!layout.isCanonical(address) || !layout.isUserRange(address, length)) {
            throw new XenException(XenErrno.EFAULT, "bad user range 0x" + Long.toHexString(address) + " + " + length);
        }
        checkCovered(pageSize.roundDown(address), address + length, XenErrno.EFAULT);
    }

    /** Every byte of [start, end) lies in a VMA; else {@code errno}. */
    private void checkCovered(long start, long end, XenErrno errno) {
        long at = start;
        while (Long.compareUnsigned(at, end) < 0) {
            Vma vma = vmaAt(at);
            if (vma == null) {
                throw new XenException(errno, "0x" + Long.toHexString(at) + " is not mapped");
            }
            at = vma.end;
        }
    }

    private Vma vmaAt(long address) {
        Map.Entry<Long, Vma> entry = vmas.floorEntry(address);
        return entry != null && entry.getValue().contains(address) ? entry.getValue() : null;
    }

    private List<Map.Entry<Long, Vma>> vmasIn(long start, long end) {
        List<Map.Entry<Long, Vma>> result = new ArrayList<>();
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        long from = first != null && Long.compareUnsigned(first.getValue().end, start) > 0 ? first.getKey() : start;
        for (Map.Entry<Long, Vma> entry : vmas.subMap(from, true, end, false).entrySet()) {
            result.add(entry);
        }
        return result;
    }

    private Collection<UserPage> pagesIn(long start, long end) {
        return pages.subMap(pageSize.pageOf(start), true, pageSize.pageOf(end - 1), true).values();
    }

    /**
     * mlock/munlock argument rules, as Linux's {@code len = PAGE_ALIGN(len + offset_in_page(start));
     * start &= PAGE_MASK}: the range is rounded out to pages (so a zero length at an unaligned
     * address still covers its page); an empty range does nothing; wrapping is EINVAL; outside user
     * space, ENOMEM.
     */
    private long[] lockRange(long address, long length) {
        if (length < 0) {
            throw new XenException(XenErrno.EINVAL, "negative length " + length);
        }
        long start = pageSize.roundDown(address);
        long end = address + length;
        if (Long.compareUnsigned(end, address) < 0) {
            throw new XenException(XenErrno.EINVAL, "range wraps around");
        }
        long roundedEnd = (end + pageSize.offsetMask()) & ~pageSize.offsetMask();
        if (Long.compareUnsigned(roundedEnd, end) < 0) {
            throw new XenException(XenErrno.EINVAL, "range wraps around");
        }
        if (roundedEnd == start) {
            return new long[] {start, start};
        }
        if (!layout.isCanonical(address) || !layout.isUserRange(start, roundedEnd - start)) {
            throw new XenException(XenErrno.ENOMEM, "range outside user space");
        }
        return new long[] {start, roundedEnd};
    }

    private void mlockRange(long start, long end) {
        if (start == end) {
            return;
        }
        checkCovered(start, end, XenErrno.ENOMEM);
        List<Map.Entry<Long, Vma>> anonymous = new ArrayList<>();
        long newPages = 0;
        for (Map.Entry<Long, Vma> entry : vmasIn(start, end)) {
            Vma vma = entry.getValue();
            if (!vma.anonymous()) {
                continue; // VM_IO: mlock leaves a driver's mapping alone
            }
            anonymous.add(entry);
            long from = Math.max(start, vma.start);
            long to = Math.min(end, vma.end);
            long already = 0;
            for (UserPage page : pagesIn(from, to)) {
                if (page.locked) {
                    already++;
                }
            }
            newPages += pageSize.pageOf(to - 1) - pageSize.pageOf(from) + 1 - already;
        }
        if (lockedPages + newPages > mlockLimitPages) {
            throw new XenException(XenErrno.ENOMEM, "RLIMIT_MEMLOCK: " + lockedPages + " locked + " + newPages
                    + " > " + mlockLimitPages + " pages");
        }
        List<UserPage> lockedNow = new ArrayList<>();
        try {
            for (Map.Entry<Long, Vma> entry : anonymous) {
                Vma vma = entry.getValue();
                long from = Math.max(start, vma.start);
                long to = Math.min(end, vma.end);
                for (long vpn = pageSize.pageOf(from); vpn <= pageSize.pageOf(to - 1); vpn++) {
                    faultIn(vma, vpn);
                    UserPage page = pages.get(vpn);
                    if (!page.locked) {
                        page.locked = true;
                        lockedNow.add(page);
                    }
                }
            }
        } catch (XenException e) {
            lockedNow.forEach(page -> page.locked = false);
            throw e;
        }
        lockedPages += lockedNow.size();
        metrics.adjust(Gauge.LOCKED_PAGES, lockedNow.size());
    }

    /** First fit from the mmap base: the lowest free, page-aligned gap of {@code length} bytes; ENOMEM if none. */
    private long findGap(long length) {
        long pagesNeeded = pageSize.pagesFor(length);
        long bytes = pageSize.addressOf(pagesNeeded);
        if (length > layout.userEnd() - mmapBase || bytes <= 0) {
            throw new XenException(XenErrno.ENOMEM, "no room for " + length + " bytes");
        }
        long candidate = mmapBase;
        for (Vma vma : vmas.values()) {
            if (Long.compareUnsigned(vma.end, candidate) <= 0) {
                continue;
            }
            if (Long.compareUnsigned(vma.start, candidate) >= 0 && Long.compareUnsigned(vma.start - candidate, bytes) >= 0) {
                break;
            }
            candidate = vma.end;
        }
        if (Long.compareUnsigned(candidate, layout.userEnd()) > 0 || layout.userEnd() - candidate < bytes) {
            throw new XenException(XenErrno.ENOMEM, "no room for " + length + " bytes");
        }
        return candidate;
    }

    /** Unmaps [start, end): frees anonymous pages, clears entries, splits VMAs; returns driver clean-ups now due. */
    private List<Runnable> unmap(long start, long end) {
        List<Runnable> closed = new ArrayList<>();
        for (Map.Entry<Long, Vma> entry : vmasIn(start, end)) {
            Vma vma = entry.getValue();
            long from = Long.compareUnsigned(vma.start, start) > 0 ? vma.start : start;
            long to = Long.compareUnsigned(vma.end, end) < 0 ? vma.end : end;
            if (vma.anonymous()) {
                NavigableMap<Long, UserPage> range = pages.subMap(pageSize.pageOf(from), true, pageSize.pageOf(to - 1), true);
                for (UserPage page : range.values()) {
                    if (page.locked) {
                        page.locked = false;
                        lockedPages--;
                        metrics.adjust(Gauge.LOCKED_PAGES, -1);
                    }
                    clearPte(page.vpn);
                    reclaim.releaseUserPage(page);
                }
                range.clear();
            } else {
                long count = pageSize.pageOf(to - 1) - pageSize.pageOf(from) + 1;
                for (long vpn = pageSize.pageOf(from); vpn <= pageSize.pageOf(to - 1); vpn++) {
                    clearPte(vpn);
                }
                vma.driver.mappedPages -= (int) count;
                if (vma.driver.mappedPages == 0 && !vma.driver.closed) {
                    vma.driver.closed = true;
                    closed.add(vma.driver.onUnmap);
                }
            }
            vmas.remove(entry.getKey());
            if (Long.compareUnsigned(vma.start, from) < 0) {
                vmas.put(vma.start, new Vma(vma.start, from, vma.driver, vma.pageOffset));
            }
            if (Long.compareUnsigned(to, vma.end) < 0) {
                int offset = vma.pageOffset + (int) (pageSize.pageOf(to) - pageSize.pageOf(vma.start));
                vmas.put(to, new Vma(to, vma.end, vma.driver, offset));
            }
        }
        return closed;
    }
}
