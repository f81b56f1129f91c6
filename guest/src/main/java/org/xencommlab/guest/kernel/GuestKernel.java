package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.memory.KernelFrames;
import org.xencommlab.guest.memory.KernelHeap;
import org.xencommlab.guest.memory.SwapStore;
import org.xencommlab.guest.paging.KernelDirectMap;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * The guest kernel of one domain: frame allocator, kernel heap, the kernel half of every address
 * space (the direct map), processes with page tables in guest memory, demand paging, the swapper
 * and compaction. Made by {@link GuestKernelFactory}.
 *
 * <p>The swapper and compaction act on real page-table entries and can be driven explicitly
 * ({@link #swapOut}, {@link #swapOutPage}, {@link #startMigration}, {@link #compact},
 * {@link #completeMigrations}) or in the background from the scheduler with seeded
 * probabilities ({@link #setMemoryPressure}, {@link #setCompaction}). An evicted page's entry is
 * a not-present entry carrying its swap slot; a page under migration has a not-present migration
 * entry between phase 1 (bytes copied to the new frame) and phase 2 (new frame installed, at the
 * scheduler's {@link GuestConfig#migrationDelayPoints() delay} or when the process touches it).
 * Locked pages are migrated but never swapped; pinned pages and driver mappings are never moved.
 *
 * <p>Thread-safety: the kernel's memory-management state is guarded by one lock, and the kernel
 * never holds it while it calls the hypervisor or the scheduler, or runs a clean-up.
 */
public final class GuestKernel implements KernelServices {
    /** Not-present entry payload tags (payloads use at most 48 bits). */
    static final long SWAP_TAG = 1L << 46;
    static final long MIGRATION_TAG = 1L << 45;
    static final long PAYLOAD_VALUE_MASK = MIGRATION_TAG - 1;

    final Object lock = new Object();
    private final int domid;
    private final PageSize pageSize;
    private final AddressSpaceLayout layout;
    private final GuestPhysicalMemory memory;
    private final HypervisorGate gate;
    private final GuestScheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final GuestConfig config;
    private final FrameAllocator frames;
    private final PageTables tables;
    private final KernelDirectMap directMap;
    private final KernelHeap heap;
    private final SwapStore swap;
    private final TreeMap<Integer, GuestProcess> processes = new TreeMap<>();
    /** Reverse map: user frame to the page it holds (including orphans kept by pins). */
    private final Map<Long, UserPage> userFrames = new HashMap<>();
    private final List<UserPage.Migration> migrations = new ArrayList<>();
    private final long[] vcpuRoots;
    private final byte[] scratch;
    private final GuestScheduler.Registration background;
    private int nextPid = 1;
    private long kernelTableFrames;
    private int orphanedFrames;
    private volatile double swapProbability;
    private volatile int swapPagesPerPoint;
    private volatile double compactionProbability;
    private boolean shutDown;

    GuestKernel(
            int domid,
            long ramPages,
            long maxPages,
            GuestPhysicalMemory memory,
            PageTableFormat format,
            AddressSpaceLayout layout,
            PageSize pageSize,
            HypervisorGate gate,
            GuestScheduler scheduler,
            RunMetrics metrics,
            Trace trace,
            GuestConfig config) {
        this.domid = domid;
        this.memory = requireNonNull(memory, "memory is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.config = requireNonNull(config, "config is null");
        if (!memory.pageSize().equals(pageSize)) {
            throw new IllegalArgumentException("memory of domain " + domid + " has pages of " + memory.pageSize() + ", the arch " + pageSize);
        }
        if (memory.domid() != domid) {
            throw new IllegalArgumentException("memory belongs to domain " + memory.domid() + ", not " + domid);
        }
        if (ramPages <= config.kernelReservePages() || maxPages < ramPages) {
            throw new IllegalArgumentException("domain " + domid + ": " + ramPages + " RAM pages, " + maxPages
                    + " at most, " + config.kernelReservePages() + " reserved");
        }
        this.frames = new FrameAllocator(maxPages, ramPages, config.kernelReservePages());
        this.tables = new PageTables(memory, format, pageSize);
        this.swap = new SwapStore(config.swapSlots(), pageSize.bytes());
        this.scratch = new byte[pageSize.bytes()];
        this.directMap = new KernelDirectMap(tables, pageSize, layout, maxPages, () -> newTable(null));
        this.heap = new KernelHeap(new HeapFrames(), memory, pageSize);
        this.vcpuRoots = new long[config.vcpus()];
        for (int vcpu = 0; vcpu < vcpuRoots.length; vcpu++) {
            vcpuRoots[vcpu] = directMap.rootGfn();
            gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(directMap.rootGfn()));
        }
        this.background = scheduler.register("kernel d" + domid + " pager", this::backgroundPaging);
        trace.event(TraceKind.PROCESS, domid, () -> "kernel booted: " + ramPages + " pages of " + pageSize.bytes()
                + " bytes, kernel root 0x" + Long.toHexString(directMap.rootGfn()));
    }

    // ---- KernelServices ----

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public PageSize pageSize() {
        return pageSize;
    }

    @Override
    public AddressSpaceLayout layout() {
        return layout;
    }

    @Override
    public GuestPhysicalMemory physicalMemory() {
        return memory;
    }

    @Override
    public KernelBlock kmalloc(int length) {
        synchronized (lock) {
            return heap.kmalloc(length);
        }
    }

    @Override
    public void kfree(KernelBlock block) {
        synchronized (lock) {
            heap.kfree(block);
        }
    }

    @Override
    public KernelBlock allocateContiguous(int nrPages) {
        synchronized (lock) {
            return heap.allocateContiguous(nrPages);
        }
    }

    @Override
    public void freeContiguous(KernelBlock block) {
        synchronized (lock) {
            heap.freeContiguous(block);
        }
    }

    /** Issues a hypercall from kernel mode on vCPU 0, on whatever page tables it runs (the kernel half is in all of them). */
    @Override
    public long hypercall(int op, long... args) {
        return gate.hypercall(domid, 0, op, args);
    }

    @Override
    public RunMetrics metrics() {
        return metrics;
    }

    @Override
    public Trace trace() {
        return trace;
    }

    // ---- processes ----

    /**
     * Starts a process: a new address space whose root table holds the kernel's root entries.
     *
     * @throws XenException ENOMEM if no frame is left for its root table; ESRCH after shutdown
     */
    public GuestProcess startProcess(String name) {
        requireNonNull(name, "name is null");
        GuestProcess process;
        synchronized (lock) {
            if (shutDown) {
                throw new XenException(XenErrno.ESRCH, "kernel of domain " + domid + " is shut down");
            }
            int pid = nextPid++;
            long root = allocateFrameReclaiming(FrameUse.PAGE_TABLE);
            if (root < 0) {
                throw new XenException(XenErrno.ENOMEM, "no frame for a root page table");
            }
            tables.clearTable(root);
            directMap.copyKernelEntriesInto(root);
            process = new GuestProcess(this, pid, name, pid % vcpuRoots.length, root);
            processes.put(pid, process);
        }
        GuestProcess started = process;
        trace.event(TraceKind.PROCESS, domid, () -> "start pid " + started.pid() + " " + name);
        return process;
    }

    /** The live process {@code pid}, or null. */
    public GuestProcess process(int pid) {
        synchronized (lock) {
            return processes.get(pid);
        }
    }

    /** Live (and exiting) processes in pid order. */
    public List<GuestProcess> processes() {
        synchronized (lock) {
            return List.copyOf(processes.values());
        }
    }

    /**
     * Shuts the kernel down at the end of a run: kills every process (each torn down as on
     * exit) and stops its background paging. Kernel memory stays allocated.
     */
    public void shutdown() {
        synchronized (lock) {
            shutDown = true;
        }
        for (GuestProcess process : processes()) {
            process.kill();
        }
        background.cancel();
    }

    // ---- counts a test or a report can check ----

    public GuestConfig config() {
        return config;
    }

    public GuestScheduler scheduler() {
        return scheduler;
    }

    /** The frame allocator, for the balloon driver (see {@link FrameAllocator#balloonOut}). */
    public FrameAllocator frameAllocator() {
        return frames;
    }

    /** Frames handed out (kernel memory, page tables, user pages). */
    public long framesInUse() {
        return frames.framesInUse();
    }

    public long freeFrames() {
        return frames.freeFrames();
    }

    /** Page-table frames of the kernel half (its root and the direct map). */
    public long kernelTableFrames() {
        synchronized (lock) {
            return kernelTableFrames;
        }
    }

    /** Blocks from kmalloc and contiguous reservations not yet freed. */
    public int kernelBlocksLive() {
        synchronized (lock) {
            return heap.liveBlocks();
        }
    }

    public int swapSlotsInUse() {
        return swap.slotsInUse();
    }

    /** Pages locked by all processes. */
    public long lockedPages() {
        synchronized (lock) {
            long n = 0;
            for (GuestProcess process : processes.values()) {
                n += process.lockedPagesLocked();
            }
            return n;
        }
    }

    /** Frames whose mapping is gone but which pins still hold (freed by the last unpin). */
    public int orphanedPinnedFrames() {
        synchronized (lock) {
            return orphanedFrames;
        }
    }

    /** Migrations in phase 1, waiting for phase 2. */
    public int pendingMigrations() {
        synchronized (lock) {
            return migrations.size();
        }
    }

    /** The kernel's root table (kernel threads' address space). */
    public long kernelRootGfn() {
        return directMap.rootGfn();
    }

    /** The root table vCPU {@code vcpu} runs on now, as this kernel loaded it. */
    public long currentRootGfn(int vcpu) {
        synchronized (vcpuRoots) {
            return vcpuRoots[vcpu];
        }
    }

    /** The direct-map entry of kernel virtual address {@code va} (0 if none), as the kernel's tables hold it. */
    public long kernelEntry(long va) {
        synchronized (lock) {
            return directMap.entryFor(va);
        }
    }

    // ---- the swapper and compaction, explicitly ----

    /**
     * Evicts up to {@code maxPages} unlocked, unpinned, present anonymous pages of
     * {@code process}, lowest address first.
     *
     * @return pages evicted (fewer when no more are eligible or swap is full)
     */
    public int swapOut(GuestProcess process, int maxPages) {
        synchronized (lock) {
            int evicted = 0;
            for (UserPage page : process.pagesLocked()) {
                if (evicted >= maxPages) {
                    break;
                }
                if (evictable(page)) {
                    if (!swapOutLocked(page)) {
                        break;
                    }
                    evicted++;
                }
            }
            return evicted;
        }
    }

    /** Evicts every eligible page of every process (swap space permitting). */
    public int swapOutAll() {
        synchronized (lock) {
            int evicted = 0;
            for (GuestProcess process : processes.values()) {
                evicted += swapOut(process, Integer.MAX_VALUE);
            }
            return evicted;
        }
    }

    /** Evicts the page holding {@code address} of {@code process}, if it is eligible; false otherwise. */
    public boolean swapOutPage(GuestProcess process, long address) {
        synchronized (lock) {
            UserPage page = process.pageAt(address);
            return page != null && evictable(page) && swapOutLocked(page);
        }
    }

    /**
     * Phase 1 of migrating the page holding {@code address} (locked or not; never pinned or
     * driver-mapped): its entry becomes a not-present migration entry and its bytes are copied to
     * a new frame. Phase 2 runs at the scheduler's delay, or when the process touches the page.
     *
     * @return false if the page is not eligible or no frame is free
     */
    public boolean startMigration(GuestProcess process, long address) {
        UserPage.Migration migration;
        synchronized (lock) {
            UserPage page = process.pageAt(address);
            migration = page != null && migratable(page) ? migrateLocked(page) : null;
        }
        if (migration == null) {
            return false;
        }
        deferPhase2(migration);
        return true;
    }

    /** Phase 1 for every eligible page of {@code process}; returns how many started. */
    public int compact(GuestProcess process) {
        List<UserPage.Migration> started = new ArrayList<>();
        synchronized (lock) {
            for (UserPage page : process.pagesLocked()) {
                if (migratable(page)) {
                    UserPage.Migration migration = migrateLocked(page);
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

    /** Phase 2 of every migration in flight, now; returns how many completed. */
    public int completeMigrations() {
        synchronized (lock) {
            List<UserPage.Migration> pending = List.copyOf(migrations);
            pending.forEach(this::completeMigrationLocked);
            return pending.size();
        }
    }

    // ---- the swapper and compaction, in the background ----

    /**
     * Memory pressure: at each scheduling point, with probability {@code probability}, the
     * swapper evicts {@code pagesPerPoint} eligible pages chosen at random (seeded) among all
     * processes. 0 turns it off.
     */
    public void setMemoryPressure(double probability, int pagesPerPoint) {
        checkProbability(probability);
        if (pagesPerPoint < 0) {
            throw new IllegalArgumentException("negative pages per point");
        }
        this.swapPagesPerPoint = pagesPerPoint;
        this.swapProbability = probability;
    }

    /**
     * Compaction: at each scheduling point, with probability {@code probability}, phase 1 of a
     * migration starts on an eligible page chosen at random (seeded). 0 turns it off.
     */
    public void setCompaction(double probability) {
        checkProbability(probability);
        this.compactionProbability = probability;
    }

    private static void checkProbability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability out of [0, 1]: " + probability);
        }
    }

    private void backgroundPaging(SchedulingPoint point, int reachedBy, RandomGenerator random) {
        double swapP = swapProbability;
        if (swapP > 0 && random.nextDouble() < swapP) {
            synchronized (lock) {
                List<UserPage> eligible = eligiblePages(true);
                for (int i = 0; i < swapPagesPerPoint && !eligible.isEmpty(); i++) {
                    UserPage page = eligible.remove(random.nextInt(eligible.size()));
                    if (!swapOutLocked(page)) {
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
                    migration = migrateLocked(eligible.get(random.nextInt(eligible.size())));
                }
            }
            if (migration != null) {
                deferPhase2(migration);
            }
        }
    }

    private List<UserPage> eligiblePages(boolean forSwap) {
        List<UserPage> eligible = new ArrayList<>();
        for (GuestProcess process : processes.values()) {
            for (UserPage page : process.pagesLocked()) {
                if (forSwap ? evictable(page) : migratable(page)) {
                    eligible.add(page);
                }
            }
        }
        return eligible;
    }

    // ---- paging primitives (callers hold the lock) ----

    private static boolean evictable(UserPage page) {
        return page.owner != null && page.owner.isAliveLocked() && page.present() && !page.locked && page.pins == 0;
    }

    private static boolean migratable(UserPage page) {
        return page.owner != null && page.owner.isAliveLocked() && page.present() && page.pins == 0;
    }

    private boolean swapOutLocked(UserPage page) {
        int slot = swap.allocate();
        if (slot < 0) {
            return false;
        }
        long gfn = page.gfn;
        memory.read(pageSize.addressOf(gfn), swap.contents(slot), 0, pageSize.bytes());
        page.owner.writePte(page.vpn, tables.format().notPresentEntry(SWAP_TAG | slot));
        userFrames.remove(gfn);
        frames.free(gfn);
        page.gfn = -1;
        page.swapSlot = slot;
        page.owner.residentPages--;
        metrics.increment(Counter.SWAP_OUTS);
        trace.event(TraceKind.PAGING, domid, () -> "swap out pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " frame 0x" + Long.toHexString(gfn) + " -> slot " + slot);
        return true;
    }

    /** Brings a swapped page back (a fault); throws ENOMEM when no frame can be found. */
    void swapInLocked(UserPage page) {
        long gfn = allocateFrameReclaiming(FrameUse.USER);
        if (gfn < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame to swap in a page");
        }
        int slot = page.swapSlot;
        memory.write(pageSize.addressOf(gfn), swap.contents(slot), 0, pageSize.bytes());
        if (!page.owner.installPte(page.vpn, tables.format().pageEntry(gfn, true, true))) {
            frames.free(gfn);
            throw new XenException(XenErrno.ENOMEM, "no page table to swap in a page");
        }
        swap.free(slot);
        page.swapSlot = -1;
        page.gfn = gfn;
        userFrames.put(gfn, page);
        page.owner.residentPages++;
        metrics.increment(Counter.SWAP_INS);
        trace.event(TraceKind.PAGING, domid, () -> "swap in pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " slot " + slot + " -> frame 0x" + Long.toHexString(gfn));
    }

    private UserPage.Migration migrateLocked(UserPage page) {
        long target = frames.allocateHighest(FrameUse.USER);
        if (target < 0) {
            return null;
        }
        long source = page.gfn;
        page.owner.writePte(page.vpn, tables.format().notPresentEntry(MIGRATION_TAG | target));
        copyFrame(source, target);
        UserPage.Migration migration = new UserPage.Migration(page, target);
        page.migration = migration;
        page.owner.migrationFrames++;
        migrations.add(migration);
        trace.event(TraceKind.PAGING, domid, () -> "migrate (phase 1) pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " frame 0x" + Long.toHexString(source) + " -> 0x" + Long.toHexString(target));
        return migration;
    }

    private void deferPhase2(UserPage.Migration migration) {
        scheduler.defer(scheduler.migrationDelayPoints(), () -> {
            synchronized (lock) {
                completeMigrationLocked(migration);
            }
        });
    }

    /** Phase 2: installs the new frame and frees the old one. Does nothing if already done or cancelled. */
    void completeMigrationLocked(UserPage.Migration migration) {
        if (migration.done) {
            return;
        }
        UserPage page = migration.page;
        long source = page.gfn;
        page.owner.writePte(page.vpn, tables.format().pageEntry(migration.target, true, true));
        userFrames.remove(source);
        frames.free(source);
        page.gfn = migration.target;
        userFrames.put(migration.target, page);
        page.migration = null;
        page.owner.migrationFrames--;
        migration.done = true;
        migrations.remove(migration);
        metrics.increment(Counter.MIGRATIONS);
        trace.event(TraceKind.PAGING, domid, () -> "migrate (phase 2) pid " + page.pid + " page 0x" + Long.toHexString(pageSize.addressOf(page.vpn))
                + " now frame 0x" + Long.toHexString(migration.target));
    }

    /** Abandons a migration whose page is being unmapped: frees the target frame. */
    void cancelMigrationLocked(UserPage.Migration migration) {
        if (migration.done) {
            return;
        }
        frames.free(migration.target);
        migration.page.migration = null;
        migration.page.owner.migrationFrames--;
        migration.done = true;
        migrations.remove(migration);
    }

    /**
     * Releases a user page's frame and swap slot when its mapping goes (munmap, exit). A pinned
     * frame stays allocated as an orphan until its last pin is dropped, as Linux keeps a page
     * whose reference count is not zero.
     */
    void releaseUserPageLocked(UserPage page) {
        if (page.migration != null) {
            cancelMigrationLocked(page.migration);
        }
        if (page.swapSlot >= 0) {
            swap.free(page.swapSlot);
            page.swapSlot = -1;
        }
        if (page.gfn >= 0) {
            page.owner.residentPages--;
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
    void unpinLocked(UserPage page) {
        page.pins--;
        if (page.pins == 0 && page.owner == null && page.gfn >= 0) {
            orphanedFrames--;
            userFrames.remove(page.gfn);
            frames.free(page.gfn);
            page.gfn = -1;
        }
    }

    /** A zero-filled user frame for a first touch, installed by the caller. */
    long newUserFrameLocked(UserPage page) {
        long gfn = allocateFrameReclaiming(FrameUse.USER);
        if (gfn < 0) {
            return -1;
        }
        memory.zero(pageSize.addressOf(gfn), pageSize.bytes());
        userFrames.put(gfn, page);
        return gfn;
    }

    void freeUserFrameLocked(long gfn) {
        userFrames.remove(gfn);
        frames.free(gfn);
    }

    /**
     * A frame for {@code use}; when none is free, direct reclaim evicts one eligible user page
     * (lowest pid, lowest address first) and tries again. -1 when nothing can be reclaimed.
     */
    long allocateFrameReclaiming(FrameUse use) {
        while (true) {
            long gfn = frames.allocate(use);
            if (gfn >= 0) {
                return gfn;
            }
            if (!reclaimOneLocked()) {
                return -1;
            }
        }
    }

    private boolean reclaimOneLocked() {
        for (GuestProcess process : processes.values()) {
            for (UserPage page : process.pagesLocked()) {
                if (evictable(page)) {
                    return swapOutLocked(page);
                }
            }
        }
        return false;
    }

    /** A zeroed page-table frame, charged to {@code process} (null: the kernel), or -1. */
    long newTable(GuestProcess process) {
        long gfn = allocateFrameReclaiming(FrameUse.PAGE_TABLE);
        if (gfn < 0) {
            return -1;
        }
        tables.clearTable(gfn);
        if (process == null) {
            kernelTableFrames++;
        } else {
            process.tableFrames++;
        }
        return gfn;
    }

    void freeTable(GuestProcess process, long gfn) {
        frames.free(gfn);
        if (process == null) {
            kernelTableFrames--;
        } else {
            process.tableFrames--;
        }
    }

    void copyFrame(long from, long to) {
        memory.read(pageSize.addressOf(from), scratch, 0, pageSize.bytes());
        memory.write(pageSize.addressOf(to), scratch, 0, pageSize.bytes());
    }

    byte[] scratch() {
        return scratch;
    }

    boolean isKernelFrame(long gfn) {
        return frames.useOf(gfn) == FrameUse.KERNEL;
    }

    void removeProcessLocked(GuestProcess process) {
        processes.remove(process.pid());
    }

    // ---- running a process on a vCPU ----

    /** Loads {@code process}'s root table into its vCPU if it is not there (the kernel switches mm). */
    void switchTo(GuestProcess process) {
        synchronized (vcpuRoots) {
            int vcpu = process.vcpu();
            if (vcpuRoots[vcpu] != process.rootGfn()) {
                vcpuRoots[vcpu] = process.rootGfn();
                gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(process.rootGfn()));
            }
        }
    }

    /** Before a process's tables are freed: every vCPU on them goes back to the kernel's root. */
    void switchAwayFrom(GuestProcess process) {
        synchronized (vcpuRoots) {
            for (int vcpu = 0; vcpu < vcpuRoots.length; vcpu++) {
                if (vcpuRoots[vcpu] == process.rootGfn()) {
                    vcpuRoots[vcpu] = directMap.rootGfn();
                    gate.loadPageTableBase(domid, vcpu, pageSize.addressOf(directMap.rootGfn()));
                }
            }
        }
    }

    PageTables tables() {
        return tables;
    }

    KernelDirectMap directMap() {
        return directMap;
    }

    GuestScheduler schedulerForProcesses() {
        return scheduler;
    }

    /** The kernel heap's view of frames: kernel memory mapped in the direct map. */
    private final class HeapFrames implements KernelFrames {
        @Override
        public long allocateFrame() {
            return allocateFrameReclaiming(FrameUse.KERNEL);
        }

        @Override
        public long allocateRun(int count) {
            return frames.allocateRun(count, FrameUse.KERNEL);
        }

        @Override
        public void freeFrame(long gfn) {
            frames.free(gfn);
        }

        @Override
        public void freeRun(long first, int count) {
            frames.freeRun(first, count);
        }

        @Override
        public boolean map(long gfn) {
            return directMap.map(gfn);
        }

        @Override
        public void unmap(long gfn) {
            directMap.unmap(gfn);
        }

        @Override
        public long kernelAddressOf(long physical) {
            return layout.kernelAddressOf(physical);
        }
    }
}
