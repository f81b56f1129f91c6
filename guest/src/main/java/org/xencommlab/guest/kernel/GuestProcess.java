package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.sched.Killable;

/**
 * A user process of a {@link GuestKernel}: its address space (VMAs, page tables in guest memory
 * whose kernel half is shared with every process), its system calls and the kernel-mode helpers a
 * driver uses for it. Started with {@link GuestKernel#startProcess}.
 *
 * <p>Linux semantics throughout: anonymous memory is demand-paged (first touch maps a zeroed
 * frame); user loads and stores walk the process's page tables in guest memory as the MMU does
 * and fault on a missing entry; {@code mlock} is a per-page flag, not reference counted, limited
 * by {@code RLIMIT_MEMLOCK} ({@link org.xencommlab.guest.GuestConfig#mlockLimitPages()}), and it
 * faults the pages in; a driver's mapping of kernel frames is never swapped, migrated, locked or
 * pinned. Invalid arguments get the errno Linux gives and change nothing. A kill is delivered at
 * the next return to user mode when the process is inside a system call, immediately otherwise;
 * teardown runs the {@link #atExit} clean-ups (last registered first, each once, a failing one
 * does not stop the others), unmaps everything (driver clean-ups run), releases locked pages and
 * frees every frame and page table. A system call on a dead process fails with ESRCH.
 */
public final class GuestProcess implements UserProcessServices, Killable {
    private enum State {
        ALIVE,
        EXITING,
        DEAD
    }

    private final GuestKernel kernel;
    private final int pid;
    private final String name;
    private final int vcpu;
    private final long rootGfn;
    private final PageSize pageSize;
    private final AddressSpaceLayout layout;
    private final PageTables tables;
    private final PageTableFormat format;
    private final long mmapBase;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>(Long::compareUnsigned);
    private final TreeMap<Long, UserPage> pages = new TreeMap<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private State state = State.ALIVE;
    private int syscallDepth;
    private boolean killPending;
    private boolean killed;
    private int lockedPages;
    private int cleanupFailures;
    int residentPages;
    int tableFrames = 1;
    int migrationFrames;

    GuestProcess(GuestKernel kernel, int pid, String name, int vcpu, long rootGfn) {
        this.kernel = kernel;
        this.pid = pid;
        this.name = name;
        this.vcpu = vcpu;
        this.rootGfn = rootGfn;
        this.pageSize = kernel.pageSize();
        this.layout = kernel.layout();
        this.tables = kernel.tables();
        this.format = tables.format();
        long base = Math.max(layout.userStart(), kernel.config().mmapMinAddress());
        this.mmapBase = (base + pageSize.offsetMask()) & ~pageSize.offsetMask();
    }

    @Override
    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    @Override
    public GuestKernel kernel() {
        return kernel;
    }

    @Override
    public PageSize pageSize() {
        return pageSize;
    }

    /** The vCPU this process runs on. */
    public int vcpu() {
        return vcpu;
    }

    /** Its root page table. */
    public long rootGfn() {
        return rootGfn;
    }

    @Override
    public boolean isAlive() {
        synchronized (kernel.lock) {
            return state == State.ALIVE;
        }
    }

    /** Whether it died by a kill (rather than exiting). */
    public boolean wasKilled() {
        synchronized (kernel.lock) {
            return killed;
        }
    }

    /** Whether it is inside a system call now. */
    public boolean inSystemCall() {
        synchronized (kernel.lock) {
            return syscallDepth > 0;
        }
    }

    // ---- counts ----

    /** Frames this process holds: resident user pages, its page tables (root included), migration targets. */
    public long framesInUse() {
        synchronized (kernel.lock) {
            return (long) residentPages + tableFrames + migrationFrames;
        }
    }

    public int residentPages() {
        synchronized (kernel.lock) {
            return residentPages;
        }
    }

    public int pageTableFrames() {
        synchronized (kernel.lock) {
            return tableFrames;
        }
    }

    /** Pages mlocked now (what {@code RLIMIT_MEMLOCK} limits). */
    public int lockedPages() {
        synchronized (kernel.lock) {
            return lockedPages;
        }
    }

    public int swappedPages() {
        synchronized (kernel.lock) {
            int n = 0;
            for (UserPage page : pages.values()) {
                if (page.swapSlot >= 0) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Pins held on this process's pages. */
    public int pins() {
        synchronized (kernel.lock) {
            int n = 0;
            for (UserPage page : pages.values()) {
                n += page.pins;
            }
            return n;
        }
    }

    public int vmaCount() {
        synchronized (kernel.lock) {
            return vmas.size();
        }
    }

    /** Clean-ups registered and not yet run. */
    public int pendingCleanups() {
        synchronized (kernel.lock) {
            return cleanups.size();
        }
    }

    /** Clean-ups that threw at teardown (the others still ran). */
    public int cleanupFailures() {
        synchronized (kernel.lock) {
            return cleanupFailures;
        }
    }

    /** Whether the page holding {@code address} is mlocked. */
    public boolean isLocked(long address) {
        synchronized (kernel.lock) {
            UserPage page = pageAt(address);
            return page != null && page.locked;
        }
    }

    /** The current page-table entry for user {@code address} (0 if its tables are missing). */
    public long pageTableEntry(long address) {
        synchronized (kernel.lock) {
            return tables.leafEntry(rootGfn, pageSize.roundDown(address));
        }
    }

    // ---- system calls ----

    @Override
    public <T> T systemCall(String callName, Supplier<T> body) {
        requireNonNull(body, "body is null");
        enterSystemCall(callName);
        T result;
        try {
            result = body.get();
        } finally {
            returnToUser();
        }
        return result;
    }

    private void enterSystemCall(String callName) {
        synchronized (kernel.lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
            syscallDepth++;
        }
        kernel.metrics().increment(Counter.GUEST_SYSCALLS);
        kernel.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + pid + " " + callName);
        kernel.switchTo(this);
        kernel.scheduler().reached(SchedulingPoint.SYSCALL, kernel.domid());
    }

    private void returnToUser() {
        kernel.scheduler().reached(SchedulingPoint.RETURN_TO_USER, kernel.domid());
        boolean deliver;
        synchronized (kernel.lock) {
            syscallDepth--;
            deliver = syscallDepth == 0 && killPending && state == State.ALIVE;
        }
        if (deliver) {
            teardown(true);
            throw gone();
        }
    }

    private XenException gone() {
        return new XenException(XenErrno.ESRCH, "process " + pid + " of domain " + kernel.domid() + (killed ? " was killed" : " has exited"));
    }

    private void failed(XenException e) {
        kernel.metrics().recordError(e.errno());
    }

    @Override
    public long mmapAnonymous(long length) {
        return systemCall("mmap", () -> {
            synchronized (kernel.lock) {
                try {
                    if (length <= 0) {
                        throw new XenException(XenErrno.EINVAL, "mmap of " + length + " bytes");
                    }
                    long address = findGap(length);
                    long end = address + pageSize.addressOf(pageSize.pagesFor(length));
                    vmas.put(address, new Vma(address, end, null, 0));
                    return address;
                } catch (XenException e) {
                    failed(e);
                    throw e;
                }
            }
        });
    }

    @Override
    public void munmap(long address, long length) {
        systemCall("munmap", () -> {
            List<Runnable> closed;
            synchronized (kernel.lock) {
                try {
                    if (pageSize.offsetIn(address) != 0 || length <= 0 || !layout.isCanonical(address)
                            || !layout.isUserRange(address, length)) {
                        throw new XenException(XenErrno.EINVAL, "munmap(0x" + Long.toHexString(address) + ", " + length + ")");
                    }
                    long end = address + pageSize.addressOf(pageSize.pagesFor(length));
                    if (Long.compareUnsigned(end, layout.userEnd()) > 0 || Long.compareUnsigned(end, address) < 0) {
                        throw new XenException(XenErrno.EINVAL, "munmap range past user space");
                    }
                    closed = unmapLocked(address, end);
                } catch (XenException e) {
                    failed(e);
                    throw e;
                }
            }
            // Still inside the system call: a kill that arrived meanwhile is delivered at the
            // return to user, after the mapping's resources are released (as Linux closes a VMA
            // within munmap), so no kill point separates the two.
            runAll(closed, "driver clean-up");
            return null;
        });
    }

    @Override
    public void mlock(long address, long length) {
        systemCall("mlock", () -> {
            kernel.metrics().increment(Counter.MLOCK_CALLS);
            synchronized (kernel.lock) {
                try {
                    long[] range = lockRange(address, length);
                    mlockLocked(range[0], range[1]);
                    kernel.metrics().add(Counter.MLOCKED_PAGES, pageSize.pagesSpanned(range[0], range[1] - range[0]));
                    return null;
                } catch (XenException e) {
                    failed(e);
                    throw e;
                }
            }
        });
    }

    @Override
    public void munlock(long address, long length) {
        systemCall("munlock", () -> {
            kernel.metrics().increment(Counter.MUNLOCK_CALLS);
            synchronized (kernel.lock) {
                try {
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
                        kernel.metrics().adjust(Gauge.LOCKED_PAGES, -unlocked);
                    }
                    kernel.metrics().add(Counter.MUNLOCKED_PAGES, pageSize.pagesSpanned(range[0], range[1] - range[0]));
                    return null;
                } catch (XenException e) {
                    failed(e);
                    throw e;
                }
            }
        });
    }

    /** {@code exit_group}: the process ends and is torn down. */
    public void exit() {
        synchronized (kernel.lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
            syscallDepth++;
        }
        kernel.metrics().increment(Counter.GUEST_SYSCALLS);
        kernel.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + pid + " exit_group");
        kernel.scheduler().reached(SchedulingPoint.SYSCALL, kernel.domid());
        synchronized (kernel.lock) {
            syscallDepth--;
        }
        teardown(false);
    }

    @Override
    public void kill() {
        synchronized (kernel.lock) {
            if (state != State.ALIVE) {
                return;
            }
            if (syscallDepth > 0) {
                killPending = true;
                kernel.trace().event(TraceKind.PROCESS, kernel.domid(), () -> "kill pid " + pid + " pending (in a system call)");
                return;
            }
        }
        teardown(true);
    }

    // ---- user-mode loads and stores ----

    @Override
    public void writeMemory(long address, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        userAccess(address, length, true, src, srcOffset);
    }

    @Override
    public void readMemory(long address, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        userAccess(address, length, false, dst, dstOffset);
    }

    private void userAccess(long address, int length, boolean write, byte[] buffer, int offset) {
        synchronized (kernel.lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
        }
        if (length == 0) {
            return;
        }
        kernel.switchTo(this);
        synchronized (kernel.lock) {
            checkUserRange(address, length);
            long va = address;
            int done = 0;
            while (done < length) {
                int piece = Math.min(length - done, pageSize.bytesToPageEnd(va));
                long physical = pageSize.addressOf(mmuTranslate(va, write)) + pageSize.offsetIn(va);
                if (write) {
                    kernel.physicalMemory().write(physical, buffer, offset + done, piece);
                } else {
                    kernel.physicalMemory().read(physical, buffer, offset + done, piece);
                }
                done += piece;
                va += piece;
            }
        }
    }

    /** The MMU: walks the tables in guest memory; on a miss, the page-fault handler; then walks again. */
    private long mmuTranslate(long va, boolean write) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long entry = tables.leafEntry(rootGfn, va);
            if (format.isPresent(entry) && format.isUser(entry) && (!write || format.isWritable(entry))) {
                return format.decodeFrame(entry);
            }
            handleFault(va);
        }
        throw new IllegalStateException("page fault handler did not map 0x" + Long.toHexString(va));
    }

    private void handleFault(long va) {
        Vma vma = vmaAt(va);
        if (vma == null) {
            throw new XenException(XenErrno.EFAULT, "fault at unmapped 0x" + Long.toHexString(va));
        }
        faultIn(vma, pageSize.pageOf(va));
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
        kernel.metrics().increment(Counter.PAGE_FAULTS);
        if (page != null && page.migration != null) {
            kernel.completeMigrationLocked(page.migration);
            return page.gfn;
        }
        if (page != null && page.swapSlot >= 0) {
            kernel.swapInLocked(page);
            return page.gfn;
        }
        boolean fresh = page == null;
        if (fresh) {
            page = new UserPage(this, vpn);
        }
        long gfn = kernel.newUserFrameLocked(page);
        if (gfn < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame for a page fault");
        }
        if (!installPte(vpn, format.pageEntry(gfn, true, true))) {
            kernel.freeUserFrameLocked(gfn);
            throw new XenException(XenErrno.ENOMEM, "no page table for a page fault");
        }
        page.gfn = gfn;
        residentPages++;
        if (fresh) {
            pages.put(vpn, page);
        }
        return gfn;
    }

    // ---- kernel-mode helpers ----

    @Override
    public long[] pinUserPages(long address, int nrPages) {
        synchronized (kernel.lock) {
            checkNotDead();
            if (pageSize.offsetIn(address) != 0 || nrPages <= 0) {
                throw new XenException(XenErrno.EINVAL, "pin of " + nrPages + " pages at 0x" + Long.toHexString(address));
            }
            long length = pageSize.addressOf(nrPages);
            checkUserRange(address, length);
            long end = address + length;
            for (Map.Entry<Long, Vma> entry : vmasIn(address, end)) {
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
                pinned.forEach(kernel::unpinLocked);
                throw e;
            }
            return gfns;
        }
    }

    @Override
    public void unpinUserPages(long[] gfns) {
        requireNonNull(gfns, "gfns is null");
        synchronized (kernel.lock) {
            Map<UserPage, Integer> wanted = new java.util.LinkedHashMap<>();
            for (long gfn : gfns) {
                UserPage page = kernel.userPageAt(gfn);
                if (page == null || page.pid != pid) {
                    throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(gfn) + " is not a page of pid " + pid);
                }
                int n = wanted.merge(page, 1, Integer::sum);
                if (n > page.pins) {
                    throw new XenException(XenErrno.EINVAL, "frame 0x" + Long.toHexString(gfn) + " is not pinned that often");
                }
            }
            for (long gfn : gfns) {
                kernel.unpinLocked(kernel.userPageAt(gfn));
            }
        }
    }

    @Override
    public long translate(long address) {
        synchronized (kernel.lock) {
            if (state == State.DEAD || !layout.isCanonical(address) || !layout.isUserRange(address, 1)) {
                return -1;
            }
            long entry = tables.leafEntry(rootGfn, address);
            if (!format.isPresent(entry)) {
                return -1;
            }
            return pageSize.addressOf(format.decodeFrame(entry)) + pageSize.offsetIn(address);
        }
    }

    @Override
    public long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        requireNonNull(gfns, "gfns is null");
        requireNonNull(onUnmap, "onUnmap is null");
        synchronized (kernel.lock) {
            checkNotDead();
            if (gfns.length == 0) {
                throw new XenException(XenErrno.EINVAL, "mapping of no frames");
            }
            for (long gfn : gfns) {
                if (!kernel.isKernelFrame(gfn)) {
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
    }

    @Override
    public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
        kernelCopy(userAddress, block, blockOffset, length, false);
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        kernelCopy(userAddress, block, blockOffset, length, true);
    }

    private void kernelCopy(long userAddress, KernelBlock block, int blockOffset, int length, boolean toUser) {
        requireNonNull(block, "block is null");
        synchronized (kernel.lock) {
            checkNotDead();
            if (blockOffset < 0 || length < 0 || (long) blockOffset + length > block.length()) {
                throw new XenException(XenErrno.EINVAL, "copy of " + length + " bytes at " + blockOffset + " of a " + block.length() + "-byte block");
            }
            if (length == 0) {
                return;
            }
            long firstKernelPhysical = block.physicalAddress() + blockOffset;
            if (!kernel.isKernelFrame(pageSize.pageOf(firstKernelPhysical))
                    || !kernel.isKernelFrame(pageSize.pageOf(firstKernelPhysical + length - 1))) {
                throw new XenException(XenErrno.EINVAL, "block is not kernel memory: " + block);
            }
            checkUserRange(userAddress, length);
            byte[] scratch = kernel.scratch();
            int done = 0;
            while (done < length) {
                long user = userAddress + done;
                long kernelPhysical = firstKernelPhysical + done;
                int piece = Math.min(length - done, Math.min(pageSize.bytesToPageEnd(user), pageSize.bytesToPageEnd(kernelPhysical)));
                long userPhysical = pageSize.addressOf(faultIn(vmaAt(user), pageSize.pageOf(user))) + pageSize.offsetIn(user);
                if (toUser) {
                    kernel.physicalMemory().read(kernelPhysical, scratch, 0, piece);
                    kernel.physicalMemory().write(userPhysical, scratch, 0, piece);
                } else {
                    kernel.physicalMemory().read(userPhysical, scratch, 0, piece);
                    kernel.physicalMemory().write(kernelPhysical, scratch, 0, piece);
                }
                done += piece;
            }
            kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
        }
    }

    @Override
    public void atExit(Runnable cleanup) {
        requireNonNull(cleanup, "cleanup is null");
        synchronized (kernel.lock) {
            if (state != State.DEAD) {
                cleanups.add(cleanup);
                return;
            }
        }
        // The process is gone: nothing else would ever run it.
        runAll(List.of(cleanup), "clean-up");
    }

    @Override
    public void cancelAtExit(Runnable cleanup) {
        synchronized (kernel.lock) {
            for (int i = cleanups.size() - 1; i >= 0; i--) {
                if (cleanups.get(i) == cleanup) {
                    cleanups.remove(i);
                    return;
                }
            }
        }
    }

    // ---- teardown ----

    private void teardown(boolean byKill) {
        synchronized (kernel.lock) {
            if (state != State.ALIVE) {
                return;
            }
            state = State.EXITING;
            killed = byKill;
        }
        kernel.trace().event(TraceKind.PROCESS, kernel.domid(), () -> (byKill ? "kill" : "exit") + " pid " + pid + " " + name);
        kernel.switchAwayFrom(this);
        while (true) {
            Runnable cleanup;
            synchronized (kernel.lock) {
                if (cleanups.isEmpty()) {
                    break;
                }
                cleanup = cleanups.remove(cleanups.size() - 1);
            }
            runAll(List.of(cleanup), "clean-up");
        }
        List<Runnable> closed;
        synchronized (kernel.lock) {
            closed = unmapLocked(layout.userStart(), layout.userEnd());
            for (int index = 0; index < tables.entriesPerTable(); index++) {
                if (!kernel.directMap().isKernelRootIndex(index)) {
                    tables.freeBelow(rootGfn, tables.rootLevel(), index, index, gfn -> kernel.freeTable(this, gfn));
                }
            }
            kernel.freeTable(this, rootGfn);
            state = State.DEAD;
            kernel.removeProcessLocked(this);
        }
        runAll(closed, "driver clean-up");
    }

    private void runAll(List<Runnable> work, String what) {
        for (Runnable runnable : work) {
            try {
                runnable.run();
            } catch (RuntimeException e) {
                synchronized (kernel.lock) {
                    cleanupFailures++;
                }
                kernel.trace().event(TraceKind.PROCESS, kernel.domid(), () -> "pid " + pid + " " + what + " failed: " + e);
            }
        }
    }

    // ---- address-space internals (kernel lock held) ----

    boolean isAliveLocked() {
        return state == State.ALIVE;
    }

    int lockedPagesLocked() {
        return lockedPages;
    }

    Collection<UserPage> pagesLocked() {
        return pages.values();
    }

    UserPage pageAt(long address) {
        return pages.get(pageSize.pageOf(address));
    }

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

    /** Writes the leaf entry of page {@code vpn}, making tables as needed; false if memory is short. */
    boolean installPte(long vpn, long entry) {
        long address = tables.leafEntryAddressAllocating(rootGfn, pageSize.addressOf(vpn), () -> kernel.newTable(this));
        if (address < 0) {
            return false;
        }
        tables.write(address, entry);
        return true;
    }

    private void checkNotDead() {
        if (state == State.DEAD) {
            throw gone();
        }
    }

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

    private void mlockLocked(long start, long end) {
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
        if (lockedPages + newPages > kernel.config().mlockLimitPages()) {
            throw new XenException(XenErrno.ENOMEM, "RLIMIT_MEMLOCK: " + lockedPages + " locked + " + newPages
                    + " > " + kernel.config().mlockLimitPages() + " pages");
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
        kernel.metrics().adjust(Gauge.LOCKED_PAGES, lockedNow.size());
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
    private List<Runnable> unmapLocked(long start, long end) {
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
                        kernel.metrics().adjust(Gauge.LOCKED_PAGES, -1);
                    }
                    writePte(page.vpn, 0);
                    kernel.releaseUserPageLocked(page);
                }
                range.clear();
            } else {
                long count = pageSize.pageOf(to - 1) - pageSize.pageOf(from) + 1;
                for (long vpn = pageSize.pageOf(from); vpn <= pageSize.pageOf(to - 1); vpn++) {
                    writePte(vpn, 0);
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

    @Override
    public String toString() {
        return "pid " + pid + " (" + name + ") of domain " + kernel.domid();
    }
}
