package org.xencommlab.arch.x86.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;
import org.xencommlab.testkit.rig.KitSystemCalls;

/**
 * A user process with Linux's memory semantics in a small model, over real x86 page tables in
 * guest memory (so the hypervisor half can walk them):
 * <ul>
 *   <li>anonymous mappings are demand-paged (zero page on first touch);</li>
 *   <li>mlock is a per-page flag, not reference counted: munlock of any range touching a page
 *       unlocks it; a locked-pages limit gives ENOMEM;</li>
 *   <li>{@link #evictUnlocked()} is the swapper: every present page that is neither locked, pinned
 *       nor a kernel page loses its frame, its entry becomes not present with a swap slot, and a
 *       later touch brings it back;</li>
 *   <li>{@link #beginMigration}/{@link #finishMigration} is compaction moving a page, locked or
 *       not: in between, the entry is not present;</li>
 *   <li>kernel frames mapped shared ({@link #mapKernelFrames}) are never swapped or migrated and
 *       go back through the driver's callback when their mapping closes;</li>
 *   <li>{@link #exit()} tears everything down, then runs the {@link #atExit} clean-ups.</li>
 * </ul>
 * Counts syscalls, mlock/munlock calls and pages, the locked-pages gauge, faults, swaps and
 * migrations, as the guest kernel does.
 */
public final class TestingUserProcessServices implements UserProcessServices {
    /** Payload of a not-present entry whose page is being migrated. */
    public static final long MIGRATION_MARKER = 1L << 47;
    private static final long MMAP_BASE = 0x7f00_0000_0000L;

    private final TestingKernelServices kernel;
    private final int pid;
    private final long lockLimitPages;
    private final PageSize pageSize;
    private final TestingPageTables pageTables;
    private final X86PageTableFormat format;
    private final RunMetrics metrics;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    private final TreeMap<Long, Page> pages = new TreeMap<>();
    private final Map<Long, byte[]> swap = new TreeMap<>();
    private final List<Runnable> atExit = new ArrayList<>();
    private long nextMmap = MMAP_BASE;
    private long nextSwapSlot = 1;
    private long lockedPages;
    private boolean alive = true;
    private final KitSystemCalls systemCalls = new KitSystemCalls(new KitSystemCalls.Process() {
        @Override
        public void enterSystemCall() {
            synchronized (TestingUserProcessServices.this) {
                syscall();
            }
        }

        @Override
        public boolean isAlive() {
            return TestingUserProcessServices.this.isAlive();
        }

        @Override
        public void exit() {
            TestingUserProcessServices.this.exit();
        }

        @Override
        public int pid() {
            return pid;
        }
    });

    public TestingUserProcessServices(TestingKernelServices kernel, int pid, long lockLimitPages) {
        this.kernel = kernel;
        this.pid = pid;
        this.lockLimitPages = lockLimitPages;
        this.pageSize = kernel.pageSize();
        this.pageTables = new TestingPageTables(kernel);
        this.format = pageTables.format();
        this.metrics = kernel.metrics();
    }

    public TestingPageTables pageTables() {
        return pageTables;
    }

    public TestingKernelServices testingKernel() {
        return kernel;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public KernelServices kernel() {
        return kernel;
    }

    @Override
    public synchronized boolean isAlive() {
        return alive;
    }

    // ---- system calls ----

    @Override
    public synchronized long mmapAnonymous(long length) {
        syscall();
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "mmap of " + length + " bytes");
        }
        long bytes = pageSize.pagesFor(length) * pageSize.bytes();
        long address = reserveAddress(bytes);
        vmas.put(address, new Vma(address, bytes, null));
        return address;
    }

    @Override
    public synchronized void munmap(long address, long length) {
        syscall();
        if (pageSize.offsetIn(address) != 0 || length <= 0) {
            throw new XenException(XenErrno.EINVAL, "munmap 0x" + Long.toHexString(address) + "+" + length);
        }
        unmapRange(address, pageSize.pagesFor(length) * pageSize.bytes());
    }

    @Override
    public synchronized void mlock(long address, long length) {
        syscall();
        metrics.increment(Counter.MLOCK_CALLS);
        long spanned = pageSize.pagesSpanned(address, length);
        metrics.add(Counter.MLOCKED_PAGES, spanned);
        long first = pageSize.pageOf(address);
        long newlyLocked = 0;
        for (long vpn = first; vpn < first + spanned; vpn++) {
            requireMapped(vpn, XenErrno.ENOMEM);
            Page page = pages.get(vpn);
            if (page == null || !page.locked) {
                newlyLocked++;
            }
        }
        if (lockedPages + newlyLocked > lockLimitPages) {
            metrics.recordError(XenErrno.ENOMEM);
            throw new XenException(XenErrno.ENOMEM, "RLIMIT_MEMLOCK: " + lockedPages + " + " + newlyLocked + " > " + lockLimitPages);
        }
        for (long vpn = first; vpn < first + spanned; vpn++) {
            Page page = faultIn(vpn);
            if (!page.locked) {
                page.locked = true;
                lockedPages++;
                metrics.adjust(Gauge.LOCKED_PAGES, 1);
            }
        }
    }

    @Override
    public synchronized void munlock(long address, long length) {
        syscall();
        metrics.increment(Counter.MUNLOCK_CALLS);
        long spanned = pageSize.pagesSpanned(address, length);
        metrics.add(Counter.MUNLOCKED_PAGES, spanned);
        long first = pageSize.pageOf(address);
        for (long vpn = first; vpn < first + spanned; vpn++) {
            requireMapped(vpn, XenErrno.ENOMEM);
        }
        for (long vpn = first; vpn < first + spanned; vpn++) {
            Page page = pages.get(vpn);
            if (page != null && page.locked) {
                page.locked = false;
                lockedPages--;
                metrics.adjust(Gauge.LOCKED_PAGES, -1);
            }
        }
    }

    @Override
    public synchronized void writeMemory(long address, byte[] src, int srcOffset, int length) {
        int done = 0;
        while (done < length) {
            long va = address + done;
            requireMapped(pageSize.pageOf(va), XenErrno.EFAULT);
            int n = Math.min(length - done, pageSize.bytesToPageEnd(va));
            kernel.testingMemory().write(physicalOf(faultIn(pageSize.pageOf(va)), va), src, srcOffset + done, n);
            done += n;
        }
    }

    @Override
    public synchronized void readMemory(long address, byte[] dst, int dstOffset, int length) {
        int done = 0;
        while (done < length) {
            long va = address + done;
            requireMapped(pageSize.pageOf(va), XenErrno.EFAULT);
            int n = Math.min(length - done, pageSize.bytesToPageEnd(va));
            kernel.testingMemory().read(physicalOf(faultIn(pageSize.pageOf(va)), va), dst, dstOffset + done, n);
            done += n;
        }
    }

    // ---- kernel-mode helpers ----

    @Override
    public synchronized long[] pinUserPages(long address, int nrPages) {
        long[] gfns = new long[nrPages];
        for (int i = 0; i < nrPages; i++) {
            long vpn = pageSize.pageOf(address) + i;
            requireMapped(vpn, XenErrno.EFAULT);
            Page page = faultIn(vpn);
            page.pins++;
            gfns[i] = page.gfn;
        }
        return gfns;
    }

    @Override
    public synchronized void unpinUserPages(long[] gfns) {
        for (long gfn : gfns) {
            pages.values().stream().filter(p -> p.gfn == gfn && p.pins > 0).findFirst()
                    .orElseThrow(() -> new IllegalStateException("gfn 0x" + Long.toHexString(gfn) + " not pinned")).pins--;
        }
    }

    @Override
    public synchronized long translate(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        return page == null || page.gfn < 0 || page.migrating ? -1 : physicalOf(page, address);
    }

    @Override
    public synchronized long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        if (!alive) {
            throw new XenException(XenErrno.ESRCH, "process " + pid + " is gone");
        }
        long bytes = (long) gfns.length * pageSize.bytes();
        long address = reserveAddress(bytes);
        DeviceMapping device = new DeviceMapping(onUnmap, gfns.length);
        vmas.put(address, new Vma(address, bytes, device));
        for (int i = 0; i < gfns.length; i++) {
            long va = address + (long) i * pageSize.bytes();
            Page page = new Page();
            page.gfn = gfns[i];
            page.device = device;
            pages.put(pageSize.pageOf(va), page);
            pageTables.map(va, gfns[i], true, true);
        }
        return address;
    }

    @Override
    public synchronized void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
        byte[] bytes = new byte[length];
        readMemory(userAddress, bytes, 0, length);
        writeKernel(block.physicalAddress() + blockOffset, bytes);
        metrics.add(Counter.KERNEL_COPY_BYTES, length);
    }

    @Override
    public synchronized void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            long pa = block.physicalAddress() + blockOffset + done;
            int n = Math.min(length - done, pageSize.bytesToPageEnd(pa));
            kernel.testingMemory().read(pa, bytes, done, n);
            done += n;
        }
        writeMemory(userAddress, bytes, 0, length);
        metrics.add(Counter.KERNEL_COPY_BYTES, length);
    }

    @Override
    public synchronized void atExit(Runnable cleanup) {
        atExit.add(cleanup);
    }

    /** Forgets {@code cleanup} (by identity), as the kernel does. */
    @Override
    public synchronized void cancelAtExit(Runnable cleanup) {
        atExit.removeIf(c -> c == cleanup);
    }

    /**
     * One system call, as the kit's {@link KitSystemCalls} runs it: counted once, named in
     * {@link #systemCalls()}, and a kill that arrived meanwhile ({@link #killDuringNextSystemCall})
     * is delivered at the return to user mode: the process is torn down and the caller sees ESRCH.
     */
    @Override
    public <T> T systemCall(String name, java.util.function.Supplier<T> body) {
        return systemCalls.call(name, body);
    }

    /** A kill that arrives while the next system call runs; delivered at its return to user mode. */
    public void killDuringNextSystemCall() {
        systemCalls.killDuringNextCall();
    }

    /** Names of the calls made through {@link #systemCall}, in order. */
    public List<String> systemCalls() {
        return systemCalls.names();
    }

    // ---- what the rest of the kernel does to the process ----

    /** Exit or kill: unmaps everything (unlocking it, closing device mappings), then the clean-ups. */
    public void exit() {
        List<Runnable> cleanups;
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
            for (Vma vma : List.copyOf(vmas.values())) {
                unmapRange(vma.start, vma.length);
            }
            cleanups = List.copyOf(atExit);
            atExit.clear();
        }
        cleanups.forEach(Runnable::run);
    }

    /** The swapper under memory pressure: evicts every evictable page. Returns how many. */
    public synchronized int evictUnlocked() {
        int evicted = 0;
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            Page page = e.getValue();
            if (page.gfn >= 0 && !page.locked && page.pins == 0 && page.device == null && !page.migrating) {
                long va = pageSize.addressOf(e.getKey());
                byte[] bytes = new byte[pageSize.bytes()];
                kernel.testingMemory().read(pageSize.addressOf(page.gfn), bytes, 0, bytes.length);
                long slot = nextSwapSlot++;
                swap.put(slot, bytes);
                kernel.freeFrame(page.gfn);
                page.gfn = -1;
                page.swapSlot = slot;
                pageTables.setEntry(0, va, format.notPresentEntry(slot));
                metrics.increment(Counter.SWAP_OUTS);
                evicted++;
            }
        }
        return evicted;
    }

    /** Compaction starts moving the page at {@code address}: its entry is not present meanwhile. */
    public synchronized void beginMigration(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        if (page == null || page.gfn < 0 || page.pins > 0 || page.device != null || page.migrating) {
            throw new IllegalStateException("page at 0x" + Long.toHexString(address) + " cannot migrate");
        }
        page.migrating = true;
        pageTables.setEntry(0, address, format.notPresentEntry(MIGRATION_MARKER));
    }

    /** Compaction finishes: the page is in a new frame with the same bytes. */
    public synchronized void finishMigration(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        if (page == null || !page.migrating) {
            throw new IllegalStateException("no migration at 0x" + Long.toHexString(address));
        }
        completeMigration(pageSize.pageOf(address), page);
    }

    /** The guest frame now behind {@code address}, or -1. */
    public synchronized long frameOf(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        return page == null ? -1 : page.gfn;
    }

    /** Whether compaction could move the page at {@code address} now. */
    public synchronized boolean isMigratable(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        return page != null && page.gfn >= 0 && page.pins == 0 && page.device == null && !page.migrating;
    }

    public synchronized boolean isMigrating(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        return page != null && page.migrating;
    }

    public synchronized boolean isLocked(long address) {
        Page page = pages.get(pageSize.pageOf(address));
        return page != null && page.locked;
    }

    public synchronized long lockedPages() {
        return lockedPages;
    }

    /** Mappings the process has (anonymous and device). */
    public synchronized int mappingCount() {
        return vmas.size();
    }

    // ---- internals ----

    private void syscall() {
        if (!alive) {
            throw new XenException(XenErrno.ESRCH, "process " + pid + " is gone");
        }
        metrics.increment(Counter.GUEST_SYSCALLS);
    }

    private long reserveAddress(long bytes) {
        long address = nextMmap;
        nextMmap += bytes + pageSize.bytes(); // a guard gap keeps mappings apart
        return address;
    }

    private void requireMapped(long vpn, XenErrno errno) {
        long va = pageSize.addressOf(vpn);
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        if (e == null || va >= e.getValue().start + e.getValue().length) {
            throw new XenException(errno, "0x" + Long.toHexString(va) + " is not mapped in process " + pid);
        }
    }

    private Page faultIn(long vpn) {
        Page page = pages.computeIfAbsent(vpn, v -> new Page());
        if (page.migrating) {
            completeMigration(vpn, page); // a fault on a migration entry waits for the move
        }
        if (page.gfn >= 0) {
            return page;
        }
        long gfn = kernel.allocateFrame();
        if (page.swapSlot >= 0) {
            kernel.testingMemory().write(pageSize.addressOf(gfn), swap.remove(page.swapSlot), 0, pageSize.bytes());
            page.swapSlot = -1;
            metrics.increment(Counter.SWAP_INS);
        }
        metrics.increment(Counter.PAGE_FAULTS);
        page.gfn = gfn;
        pageTables.map(pageSize.addressOf(vpn), gfn, true, true);
        return page;
    }

    private void completeMigration(long vpn, Page page) {
        long to = kernel.allocateFrame();
        byte[] bytes = new byte[pageSize.bytes()];
        kernel.testingMemory().read(pageSize.addressOf(page.gfn), bytes, 0, bytes.length);
        kernel.testingMemory().write(pageSize.addressOf(to), bytes, 0, bytes.length);
        kernel.freeFrame(page.gfn);
        page.gfn = to;
        page.migrating = false;
        pageTables.map(pageSize.addressOf(vpn), to, true, true);
        metrics.increment(Counter.MIGRATIONS);
    }

    private void unmapRange(long address, long length) {
        long first = pageSize.pageOf(address);
        long count = pageSize.pagesFor(length);
        for (long vpn = first; vpn < first + count; vpn++) {
            Page page = pages.remove(vpn);
            if (page == null) {
                continue;
            }
            if (page.locked) {
                lockedPages--;
                metrics.adjust(Gauge.LOCKED_PAGES, -1);
            }
            if (page.migrating) {
                completeMigration(vpn, page);
            }
            if (page.device != null) {
                page.device.pageUnmapped();
            } else if (page.gfn >= 0) {
                kernel.freeFrame(page.gfn);
            } else if (page.swapSlot >= 0) {
                swap.remove(page.swapSlot);
            }
            pageTables.setEntry(0, pageSize.addressOf(vpn), 0);
        }
        // Trim the mappings: keep the pieces of each overlapping mapping outside the range.
        long end = address + count * pageSize.bytes();
        for (Vma vma : List.copyOf(vmas.values())) {
            long vmaEnd = vma.start + vma.length;
            if (vmaEnd <= address || vma.start >= end) {
                continue;
            }
            vmas.remove(vma.start);
            if (vma.start < address) {
                vmas.put(vma.start, new Vma(vma.start, address - vma.start, vma.device));
            }
            if (vmaEnd > end) {
                vmas.put(end, new Vma(end, vmaEnd - end, vma.device));
            }
        }
    }

    private void writeKernel(long physical, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            long pa = physical + done;
            int n = Math.min(bytes.length - done, pageSize.bytesToPageEnd(pa));
            kernel.testingMemory().write(pa, bytes, done, n);
            done += n;
        }
    }

    private long physicalOf(Page page, long va) {
        return pageSize.addressOf(page.gfn) + pageSize.offsetIn(va);
    }

    private record Vma(long start, long length, DeviceMapping device) {}

    private static final class Page {
        long gfn = -1;
        long swapSlot = -1;
        boolean locked;
        boolean migrating;
        int pins;
        DeviceMapping device;
    }

    /** A driver mapping of kernel frames: its callback runs once its last page is unmapped. */
    private static final class DeviceMapping {
        private final Runnable onUnmap;
        private int mapped;

        DeviceMapping(Runnable onUnmap, int mapped) {
            this.onUnmap = onUnmap;
            this.mapped = mapped;
        }

        void pageUnmapped() {
            if (--mapped == 0) {
                onUnmap.run();
            }
        }
    }
}
