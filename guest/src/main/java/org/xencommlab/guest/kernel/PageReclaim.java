package org.xencommlab.guest.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.memory.SwapStore;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * The page-reclaim part of one guest kernel: the swap store and the swapper, compaction (two-phase
 * migration), the reverse map from a user frame to the page it holds (orphans kept by pins
 * included), direct reclaim when an allocation finds no free frame, and the registry of the
 * kernel's address spaces it may take pages from (in pid order, which makes reclaim
 * deterministic).
 *
 * <p>An evicted page's entry is a not-present entry carrying {@link #SWAP_TAG} and its swap slot;
 * a page under migration has a not-present entry carrying {@link #MIGRATION_TAG} and its target
 * frame between phase 1 (bytes copied to the target) and phase 2 (target installed, at the
 * scheduler's migration delay or when the process touches the page). Locked pages are migrated
 * but never swapped; pinned pages, driver mappings and pages of an exiting process are never
 * moved.
 *
 * <p>Locking: this part owns the kernel's memory lock ({@link #lock()}). It guards the state
 * here and the state of every {@link AddressSpace} of the kernel, because reclaim rewrites the
 * page-table entries of any process; one lock keeps a page's record, its entry in guest memory
 * and the reverse map in step. The parts whose state must change in the same step as memory's
 * are guarded by it too, each saying so: {@link KernelHalf} (its heap takes frames from here),
 * {@link ProcessTable} and each {@link ProcessLife}. The methods that act on their own
 * ({@code swapOut}, {@code startMigration}, {@code compact}, the counts and the background
 * activity) take it; every other method requires the caller to hold it. Nothing
 * here holds it while calling the hypervisor or the scheduler: phase 2 is deferred through the
 * scheduler outside the lock and takes it when it runs.
 */
final class PageReclaim {
    /** Not-present entry payload tags (payloads use at most 48 bits). */
    static final long SWAP_TAG = 1L << 46;
    static final long MIGRATION_TAG = 1L << 45;
    static final long PAYLOAD_VALUE_MASK = MIGRATION_TAG - 1;

    private final Object lock = new Object();
    private final int domid;
    private final PageSize pageSize;
    private final GuestPhysicalMemory memory;
    private final FrameAllocator frames;
    private final PageTables tables;
    private final PageTableFormat format;
    private final SwapStore swap;
    private final GuestScheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final byte[] scratch;
    private final TreeMap<Integer, AddressSpace> spaces = new TreeMap<>();
    private final Map<Long, UserPage> userFrames = new HashMap<>();
    private final List<UserPage.Migration> migrations = new ArrayList<>();
    private int orphanedFrames;
    private volatile double swapProbability;
    private volatile int swapPagesPerPoint;
    private volatile double compactionProbability;

    PageReclaim(int domid, GuestPhysicalMemory memory, FrameAllocator frames, PageTables tables, SwapStore swap,
            GuestScheduler scheduler, RunMetrics metrics, Trace trace) {
        this.domid = domid;
        this.memory = memory;
        this.pageSize = memory.pageSize();
        this.frames = frames;
        this.tables = tables;
        this.format = tables.format();
        this.swap = swap;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.trace = trace;
        this.scratch = new byte[pageSize.bytes()];
    }

    /** The kernel's memory lock (see the class comment). */
    Object lock() {
        return lock;
    }

    // ---- the address spaces reclaim may take pages from (lock held) ----

    void register(AddressSpace space) {
        spaces.put(space.pid(), space);
    }

    void unregister(AddressSpace space) {
        spaces.remove(space.pid());
    }

    // ---- counts (take the lock) ----

    long lockedPages() {
        synchronized (lock) {
            long n = 0;
            for (AddressSpace space : spaces.values()) {
                n += space.lockedPages();
            }
            return n;
        }
    }

    int orphanedFrames() {
        synchronized (lock) {
            return orphanedFrames;
        }
    }

    int pendingMigrations() {
        synchronized (lock) {
            return migrations.size();
        }
    }

    int swapSlotsInUse() {
        return swap.slotsInUse();
    }

    // ---- the swapper and compaction, explicitly (take the lock) ----

    /** Evicts up to {@code maxPages} eligible pages of process {@code pid}, lowest address first. */
    int swapOut(int pid, int maxPages) {
        synchronized (lock) {
            AddressSpace space = spaces.get(pid);
            return space == null ? 0 : swapOut(space, maxPages);
        }
    }

    int swapOutAll() {
        synchronized (lock) {
            int evicted = 0;
            for (AddressSpace space : spaces.values()) {
                evicted += swapOut(space, Integer.MAX_VALUE);
            }
            return evicted;
        }
    }

    private int swapOut(AddressSpace space, int maxPages) {
        int evicted = 0;
        for (UserPage page : space.pages()) {
            if (evicted >= maxPages) {
                break;
            }
            if (evictable(page)) {
                if (!swapOutPage(page)) {
                    break;
                }
                evicted++;
            }
        }
        return evicted;
    }

    boolean swapOutPage(int pid, long address) {
        synchronized (lock) {
            UserPage page = pageOf(pid, address);
            return page != null && evictable(page) && swapOutPage(page);
        }
    }

    boolean startMigration(int pid, long address) {
        UserPage.Migration migration;
        synchronized (lock) {
            UserPage page = pageOf(pid, address);
            migration = page != null && migratable(page) ? migrate(page) : null;
        }
        if (migration == null) {
            return false;
        }
        deferPhase2(migration);
        return true;
    }

    int compact(int pid) {
        List<UserPage.Migration> started = new ArrayList<>();
        synchronized (lock) {
            AddressSpace space = spaces.get(pid);
            for (UserPage page : space == null ? List.<UserPage>of() : space.pages()) {
                if (migratable(page)) {
                    UserPage.Migration migration = migrate(page);
                    if (migration == null) {
                        break;
                    }
                    started.add(migration);
                }
            }
        }
        started.forEach(this::deferPhase2);
        return started.size();
    }

    private UserPage pageOf(int pid, long address) {
        AddressSpace space = spaces.get(pid);
        return space == null ? null : space.pageAt(address);
    }

    // ---- the swapper and compaction, in the background ----

    void setMemoryPressure(double probability, int pagesPerPoint) {
        checkProbability(probability);
        if (pagesPerPoint < 0) {
            throw new IllegalArgumentException("negative pages per point");
        }
        this.swapPagesPerPoint = pagesPerPoint;
        this.swapProbability = probability;
    }

    void setCompaction(double probability) {
        checkProbability(probability);
        this.compactionProbability = probability;
    }

    private static void checkProbability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability out of [0, 1]: " + probability);
        }
    }

    /** The kernel's background activity: seeded swapping and compaction at a scheduling point. */
    void backgroundPaging(SchedulingPoint point, int reachedBy, RandomGenerator random) {
        double swapP = swapProbability;
        if (swapP > 0 && random.nextDouble() < swapP) {
            synchronized (lock) {
                List<UserPage> eligible = eligiblePages(true);
                for (int i = 0; i < swapPagesPerPoint && !eligible.isEmpty(); i++) {
                    UserPage page = eligible.remove(random.nextInt(eligible.size()));
                    if (!swapOutPage(page)) {
                        break;
                    }
                }
            }
        }
        double compactP = compactionProbability;
        if (compactP > 0 && random.nextDouble() < compactP) {
            UserPage.Migration migration = null;
            synchronized (lock) {
                List<UserPage> eligible = eligiblePages(false);
                if (!eligible.isEmpty()) {
                    migration = migrate(eligible.get(random.nextInt(eligible.size())));
                }
            }
            if (migration != null) {
                deferPhase2(migration);
            }
        }
    }

    private List<UserPage> eligiblePages(boolean forSwap) {
        List<UserPage> eligible = new ArrayList<>();
        for (AddressSpace space : spaces.values()) {
            for (UserPage page : space.pages()) {
                if (forSwap ? evictable(page) : migratable(page)) {
                    eligible.add(page);
                }
            }
        }
        return eligible;
    }

    // ---- paging primitives (lock held) ----

    private static boolean evictable(UserPage page) {
        return page.owner != null && page.owner.live() && page.present() && !page.locked && page.pins == 0;
    }

    private static boolean migratable(UserPage page) {
        return page.owner != null && page.owner.live() && page.present() && page.pins == 0;
    }

    private boolean swapOutPage(UserPage page) {
        int slot = swap.allocate();
        if (slot < 0) {
            return false;
        }
        long gfn = page.gfn;
        try {
            // Either may fail over the guest's own doing: the page's frame or a table frame on
            // the way to its entry given back to Xen (EFAULT), a table entry above it cleared.
            // The page then stays where it was, and the slot is not kept: no record names it.
            memory.read(pageSize.addressOf(gfn), swap.contents(slot), 0, pageSize.bytes());
            page.owner.writePte(page.vpn, format.notPresentEntry(SWAP_TAG | slot));
        } catch (RuntimeException e) {
            swap.free(slot);
            throw e;
        }
        userFrames.remove(gfn);
        frames.free(gfn);
        page.gfn = -1;
        page.swapSlot = slot;
        page.owner.residentChanged(-1);
        metrics.increment(Counter.SWAP_OUTS);
        trace.event(TraceKind.PAGING, domid, () -> "swap out pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " frame 0x" + Long.toHexString(gfn) + " -> slot " + slot);
        return true;
    }

    /** Brings a swapped page back (a fault); throws ENOMEM when no frame can be found. */
    void swapIn(UserPage page) {
        long gfn = allocateFrame(FrameUse.USER);
        if (gfn < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame to swap in a page");
        }
        int slot = page.swapSlot;
        boolean installed;
        try {
            // installPte reads the tables in guest memory: a table frame the guest gave back
            // makes it fail with EFAULT; the page stays swapped out and the new frame goes back.
            memory.write(pageSize.addressOf(gfn), swap.contents(slot), 0, pageSize.bytes());
            installed = page.owner.installPte(page.vpn, format.pageEntry(gfn, true, true));
        } catch (RuntimeException e) {
            frames.free(gfn);
            throw e;
        }
        if (!installed) {
            frames.free(gfn);
            throw new XenException(XenErrno.ENOMEM, "no page table to swap in a page");
        }
        swap.free(slot);
        page.swapSlot = -1;
        page.gfn = gfn;
        userFrames.put(gfn, page);
        page.owner.residentChanged(1);
        metrics.increment(Counter.SWAP_INS);
        trace.event(TraceKind.PAGING, domid, () -> "swap in pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " slot " + slot + " -> frame 0x" + Long.toHexString(gfn));
    }

    private UserPage.Migration migrate(UserPage page) {
        long target = frames.allocateHighest(FrameUse.USER);
        if (target < 0) {
            return null;
        }
        long source = page.gfn;
        page.owner.writePte(page.vpn, format.notPresentEntry(MIGRATION_TAG | target));
        copyFrame(source, target);
        UserPage.Migration migration = new UserPage.Migration(page, target);
        page.migration = migration;
        page.owner.migrationTargetsChanged(1);
        migrations.add(migration);
        trace.event(TraceKind.PAGING, domid, () -> "migrate (phase 1) pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " frame 0x" + Long.toHexString(source) + " -> 0x" + Long.toHexString(target));
        return migration;
    }

    private void deferPhase2(UserPage.Migration migration) {
        scheduler.defer(scheduler.migrationDelayPoints(), () -> {
            synchronized (lock) {
                completeMigration(migration);
            }
        });
    }

    /** Phase 2: installs the new frame and frees the old one. Does nothing if already done or cancelled. */
    void completeMigration(UserPage.Migration migration) {
        if (migration.done) {
            return;
        }
        UserPage page = migration.page;
        long source = page.gfn;
        page.owner.writePte(page.vpn, format.pageEntry(migration.target, true, true));
        userFrames.remove(source);
        frames.free(source);
        page.gfn = migration.target;
        userFrames.put(migration.target, page);
        page.migration = null;
        page.owner.migrationTargetsChanged(-1);
        migration.done = true;
        migrations.remove(migration);
        metrics.increment(Counter.MIGRATIONS);
        trace.event(TraceKind.PAGING, domid, () -> "migrate (phase 2) pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " now frame 0x" + Long.toHexString(migration.target));
    }

    private void cancelMigration(UserPage.Migration migration) {
        if (migration.done) {
            return;
        }
        frames.free(migration.target);
        migration.page.migration = null;
        migration.page.owner.migrationTargetsChanged(-1);
        migration.done = true;
        migrations.remove(migration);
    }

    /**
     * Releases a user page's frame and swap slot when its mapping goes (munmap, exit). A pinned
     * frame stays allocated as an orphan until its last pin is dropped, as Linux keeps a page
     * whose reference count is not zero.
     */
    void releaseUserPage(UserPage page) {
        if (page.migration != null) {
            cancelMigration(page.migration);
        }
        if (page.swapSlot >= 0) {
            swap.free(page.swapSlot);
            page.swapSlot = -1;
        }
        if (page.gfn >= 0) {
            page.owner.residentChanged(-1);
            if (page.pins > 0) {
                orphanedFrames++;
            } else {
                userFrames.remove(page.gfn);
                frames.free(page.gfn);
                page.gfn = -1;
            }
        }
        page.owner = null;
    }

    /** The user page frame {@code gfn} holds, or null. */
    UserPage userPageAt(long gfn) {
        return userFrames.get(gfn);
    }

    /** Drops one pin; frees an orphan's frame at its last pin. */
    void unpin(UserPage page) {
        page.pins--;
        if (page.pins == 0 && page.owner == null && page.gfn >= 0) {
            orphanedFrames--;
            userFrames.remove(page.gfn);
            frames.free(page.gfn);
            page.gfn = -1;
        }
    }

    /** A zero-filled user frame for a first touch of {@code page}, installed by the caller; -1 if none. */
    long newUserFrame(UserPage page) {
        long gfn = allocateFrame(FrameUse.USER);
        if (gfn < 0) {
            return -1;
        }
        memory.zero(pageSize.addressOf(gfn), pageSize.bytes());
        userFrames.put(gfn, page);
        return gfn;
    }

    void freeUserFrame(long gfn) {
        userFrames.remove(gfn);
        frames.free(gfn);
    }

    /**
     * A frame for {@code use}; when none is free, direct reclaim evicts one eligible user page
     * (lowest pid, lowest address first) and tries again. -1 when nothing can be reclaimed.
     */
    long allocateFrame(FrameUse use) {
        while (true) {
            long gfn = frames.allocate(use);
            if (gfn >= 0) {
                return gfn;
            }
            if (!reclaimOne()) {
                return -1;
            }
        }
    }

    private boolean reclaimOne() {
        for (AddressSpace space : spaces.values()) {
            for (UserPage page : space.pages()) {
                if (evictable(page)) {
                    return swapOutPage(page);
                }
            }
        }
        return false;
    }

    /** A zeroed page-table frame (reclaiming if need be), or -1; the caller charges it. */
    long newTable() {
        long gfn = allocateFrame(FrameUse.PAGE_TABLE);
        if (gfn >= 0) {
            tables.clearTable(gfn);
        }
        return gfn;
    }

    void freeFrame(long gfn) {
        frames.free(gfn);
    }

    boolean isKernelFrame(long gfn) {
        return frames.useOf(gfn) == FrameUse.KERNEL;
    }

    /** The kernel's one-page bounce buffer. */
    byte[] scratch() {
        return scratch;
    }

    private void copyFrame(long from, long to) {
        memory.read(pageSize.addressOf(from), scratch, 0, pageSize.bytes());
        memory.write(pageSize.addressOf(to), scratch, 0, pageSize.bytes());
    }
}
