package org.xencommlab.hypervisor.domain;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.locks.StampedLock;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.hypervisor.heap.DomainHeapAccount;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * A domain: its id, privilege, vCPUs, p2m, memory reservation ({@code tot_pages} against
 * {@code max_pages}), dirty log, Xen heap account and the arch's per-domain state.
 *
 * <p>The memory operations are those {@code memory_op} exposes; each one validates everything
 * before it changes anything, so a refused operation changes nothing, and an extent is done whole
 * or not at all. They throw {@link XenException} with the errno a hypercall returns.
 *
 * <p>Thread-safe: the p2m and the reservation are guarded by one lock per domain. Memory accesses
 * take it shared for the duration of one page piece, or read the p2m optimistically and check
 * afterwards that no p2m change began meanwhile (see {@link DomainMemory}); p2m changes take it
 * exclusive, so a frame is never freed under a running access. Every frame this domain frees
 * leaves its p2m under the exclusive lock. Lock order: domain, then machine memory.
 */
public final class Domain {
    private final int domid;
    private final boolean privileged;
    private final Vcpu[] vcpus;
    private final P2m p2m;
    private final DirtyLog dirty;
    private final MachineMemory machine;
    private final DomainHeapAccount heap;
    private final RunMetrics metrics;
    private final int maxExtentOrder;
    private final StampedLock lock = new StampedLock();
    private final DomainMemory memory;

    // Guarded by lock.
    private long totPages;
    private long maxPages;
    private long pinnedFrames;
    private long firstFreeHint;
    /** Frames the domain owns but has in no p2m entry (increase_reservation), first {@code unmappedCount}. */
    private int[] unmapped = new int[0];
    private int unmappedCount;
    private volatile boolean dying;
    private volatile DomainArchState archState;

    Domain(int domid, boolean privileged, int vcpuCount, long physmapFrames, long maxPages,
            MachineMemory machine, DomainHeapAccount heap, RunMetrics metrics, int maxExtentOrder) {
        this.domid = domid;
        this.privileged = privileged;
        this.vcpus = new Vcpu[vcpuCount];
        for (int i = 0; i < vcpuCount; i++) {
            vcpus[i] = new Vcpu(i);
        }
        this.p2m = new P2m(physmapFrames);
        this.dirty = new DirtyLog(physmapFrames);
        this.machine = requireNonNull(machine, "machine is null");
        this.heap = requireNonNull(heap, "heap is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.maxPages = maxPages;
        this.maxExtentOrder = maxExtentOrder;
        this.memory = new DomainMemory(this);
    }

    public int domid() {
        return domid;
    }

    /** Whether this is the control domain, as Xen's {@code is_control_domain}. */
    public boolean isPrivileged() {
        return privileged;
    }

    public int vcpuCount() {
        return vcpus.length;
    }

    /** vCPU {@code id}, or null if the domain has no such vCPU. */
    public Vcpu vcpu(int id) {
        return id >= 0 && id < vcpus.length ? vcpus[id] : null;
    }

    /** This domain's guest-physical memory (its CPUs' memory bus). */
    public GuestPhysicalMemory memory() {
        return memory;
    }

    public DirtyLog dirtyLog() {
        return dirty;
    }

    public DomainHeapAccount heap() {
        return heap;
    }

    /**
     * The arch backend's state of this domain, made when the domain was created; null only while
     * {@link DomainTable#create} has not made it yet. It is kept after the domain's destruction
     * released it, so that a call still running then is refused by the state itself.
     */
    public DomainArchState archState() {
        return archState;
    }

    void setArchState(DomainArchState state) {
        this.archState = state;
    }

    /** Whether the domain is being (or has been) destroyed. */
    public boolean isDying() {
        return dying;
    }

    /** Frames in the guest-physical address space (gfns {@code 0 .. n-1}). */
    public long physmapFrames() {
        return p2m.frames();
    }

    /** Pages the domain holds ({@code tot_pages}). */
    public long totPages() {
        long stamp = lock.readLock();
        try {
            return totPages;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The domain's reservation ({@code max_pages}). */
    public long maxPages() {
        long stamp = lock.readLock();
        try {
            return maxPages;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Sets the reservation, as {@code XEN_DOMCTL_max_mem}. It may be below what the domain holds;
     * the domain then cannot grow until it gave pages back. It cannot exceed the guest-physical
     * space.
     *
     * @throws XenException EINVAL if {@code pages} is negative or beyond the guest-physical space
     */
    public void setMaxPages(long pages) {
        if (pages < 0 || pages > p2m.frames()) {
            throw new XenException(XenErrno.EINVAL, "max pages " + pages + " outside 0.." + p2m.frames());
        }
        long stamp = lock.writeLock();
        try {
            maxPages = pages;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Guest frames pinned now (each counted once, however many pins it holds). */
    public long pinnedFrames() {
        long stamp = lock.readLock();
        try {
            return pinnedFrames;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Whether {@code gfn} is RAM the domain holds now. Never throws. */
    public boolean isRam(long gfn) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            // A racy p2m read is only believed if no p2m change began since the stamp.
            boolean ram = p2m.get(gfn) != P2m.INVALID;
            if (lock.validate(stamp)) {
                return ram;
            }
        }
        stamp = lock.readLock();
        try {
            return p2m.get(gfn) != P2m.INVALID;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The machine frame behind {@code gfn}, or -1 if it is not RAM of this domain. */
    public long mfnOf(long gfn) {
        long stamp = lock.readLock();
        try {
            return p2m.get(gfn);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // ---- memory_op ----

    /** The frames of extent {@code gfn}/{@code order}, checked to lie inside the physmap (EINVAL otherwise). */
    private long extentInPhysmap(long gfn, int order) {
        long count = extentSize(order);
        if (!p2m.contains(gfn, count)) {
            throw new XenException(XenErrno.EINVAL, "extent " + gfn + "/" + order + " outside the physmap");
        }
        return count;
    }

    /**
     * {@code populate_physmap} for one extent: backs guest frames {@code gfn .. gfn + 2^order - 1}
     * with newly allocated machine frames (which read as zero).
     *
     * @throws XenException EINVAL for an order above the limit or a range outside the
     *     guest-physical space; EEXIST if a frame of the range is populated already; ENOMEM if the
     *     reservation would be exceeded or machine memory is short; ESRCH if the domain is dying
     */
    public void populatePhysmap(long gfn, int order) {
        long count = extentInPhysmap(gfn, order);
        long stamp = lock.writeLock();
        try {
            checkAlive();
            for (long g = gfn; g < gfn + count; g++) {
                if (p2m.get(g) != P2m.INVALID) {
                    throw new XenException(XenErrno.EEXIST, "gfn 0x" + Long.toHexString(g) + " is populated");
                }
            }
            mapNewFrames(gfn, (int) count);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * {@code increase_reservation} for one extent as the lab's own variant
     * ({@code HypervisorConfig.IncreaseReservation.LAB_MAPPED}, not Xen, which maps nothing: see
     * {@link #allocateUnmapped}): allocates {@code 2^order} frames to the domain and maps them at
     * the lowest unpopulated run of {@code 2^order} guest frames aligned to the order, so the guest
     * can reach them.
     *
     * @return where the extent was mapped and the machine frames it got
     * @throws XenException EINVAL for an order above the limit; ENOMEM if the reservation would be
     *     exceeded, machine memory is short or no free run exists; ESRCH if the domain is dying
     */
    public Extent increaseReservation(int order) {
        long count = extentSize(order);
        long stamp = lock.writeLock();
        try {
            checkAlive();
            long gfn = findFreeRun(count);
            if (gfn < 0) {
                throw new XenException(XenErrno.ENOMEM, "no free run of " + count + " guest frames");
            }
            int[] mfns = mapNewFrames(gfn, (int) count);
            long[] result = new long[mfns.length];
            for (int i = 0; i < mfns.length; i++) {
                result[i] = mfns[i];
            }
            return new Extent(gfn, result);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * {@code increase_reservation} for one extent as Xen does it (xen/common/memory.c
     * {@code increase_reservation}): allocates {@code 2^order} frames to the domain, counted in
     * {@code tot_pages} against {@code max_pages}, and enters none of them in the p2m. The domain
     * owns them, unreachable, until it is destroyed ({@link #unmappedFrames()}).
     *
     * @param machineContiguous whether the frames must be machine-contiguous and aligned to the
     *     order, as Xen's allocator gives an extent (needed when the first frame is reported, for a
     *     PV guest); otherwise they are any free frames
     * @return the first machine frame of the extent
     * @throws XenException EINVAL for an order above the limit; ENOMEM if the reservation would be
     *     exceeded or machine memory has no such frames; ESRCH if the domain is dying. In each case
     *     nothing changes.
     */
    public long allocateUnmapped(int order, boolean machineContiguous) {
        long count = extentSize(order);
        long stamp = lock.writeLock();
        try {
            checkAlive();
            if (count > maxPages - totPages) {
                throw new XenException(XenErrno.ENOMEM, "d" + domid + " would exceed its reservation of " + maxPages);
            }
            int[] mfns;
            if (machineContiguous) {
                int first = machine.allocateAligned(domid, order);
                mfns = first < 0 ? null : new int[(int) count];
                for (int i = 0; mfns != null && i < count; i++) {
                    mfns[i] = first + i;
                }
            } else {
                mfns = machine.allocate(domid, (int) count);
            }
            if (mfns == null) {
                throw new XenException(XenErrno.ENOMEM, "machine memory is short of " + count + " frames");
            }
            if (unmapped.length - unmappedCount < count) {
                unmapped = java.util.Arrays.copyOf(unmapped, (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max(unmappedCount + count, 2L * unmapped.length)));
            }
            System.arraycopy(mfns, 0, unmapped, unmappedCount, mfns.length);
            unmappedCount += mfns.length;
            totPages += count;
            return mfns[0];
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Frames the domain owns but has not mapped (given by {@link #allocateUnmapped}); counted in {@code tot_pages}. */
    public long unmappedFrames() {
        long stamp = lock.readLock();
        try {
            return unmappedCount;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * {@code decrease_reservation} for one extent: gives guest frames
     * {@code gfn .. gfn + 2^order - 1} back. Their p2m entries are cleared, their frames scrubbed
     * and freed, and {@code tot_pages} drops; then the arch's state is told of each gfn once
     * ({@link DomainArchState#gfnRemoved}), still under the exclusive lock. This is the only
     * place a live domain's p2m entry is removed.
     *
     * @throws XenException EINVAL for an order above the limit or a range outside the
     *     guest-physical space; ENOENT if a frame of the extent is not populated; EBUSY if one is
     *     pinned; ESRCH if the domain is dying. In each case nothing changes.
     */
    public void decreaseReservation(long gfn, int order) {
        long count = extentInPhysmap(gfn, order);
        long stamp = lock.writeLock();
        try {
            checkAlive();
            for (long g = gfn; g < gfn + count; g++) {
                int mfn = p2m.get(g);
                if (mfn == P2m.INVALID) {
                    throw new XenException(XenErrno.ENOENT, "gfn 0x" + Long.toHexString(g) + " is not populated");
                }
                if (machine.refCount(mfn) != 1) {
                    throw new XenException(XenErrno.EBUSY, "gfn 0x" + Long.toHexString(g) + " is pinned");
                }
            }
            for (long g = gfn; g < gfn + count; g++) {
                int mfn = p2m.get(g);
                p2m.clear(g);
                dirty.clear(g);
                machine.put(mfn);
            }
            totPages -= count;
            firstFreeHint = Math.min(firstFreeHint, gfn);
            // Still under the exclusive lock, with the accounting done: the arch forgets what it
            // kept about each gfn before anything can reach or repopulate it.
            DomainArchState state = archState;
            if (state != null) {
                for (long g = gfn; g < gfn + count; g++) {
                    state.gfnRemoved(g);
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Marks guest frames {@code gfn .. gfn + count - 1} dirty in the log, as a device model's
     * {@code XEN_DMOP_modified_memory} does; frames that are not RAM now are skipped, as Xen skips
     * a pfn with no page.
     *
     * @return the frames marked (populated ones)
     * @throws IllegalArgumentException if the range is not inside the guest-physical space
     */
    public long markDirty(long gfn, long count) {
        if (count < 0 || !p2m.contains(gfn, count)) {
            throw new IllegalArgumentException("range " + gfn + "+" + count + " outside the physmap");
        }
        long stamp = lock.readLock();
        try {
            long marked = 0;
            for (long g = gfn; g < gfn + count; g++) {
                if (p2m.get(g) != P2m.INVALID) {
                    dirty.mark(g);
                    marked++;
                }
            }
            return marked;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // ---- pins ----

    /**
     * Takes a reference on the frame behind {@code gfn}, so that it cannot be given back or freed
     * until {@link #unpinFrame}. Returns false, taking nothing, if {@code gfn} is not RAM of this
     * domain or the domain is dying.
     */
    public boolean pinFrame(long gfn) {
        long stamp = lock.writeLock();
        try {
            int mfn = p2m.get(gfn);
            if (dying || mfn == P2m.INVALID || !machine.get(mfn, domid)) {
                return false;
            }
            if (machine.refCount(mfn) == 2) {
                pinnedFrames++;
                metrics.adjust(Gauge.PINNED_FRAMES, 1);
            }
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Drops a reference taken by {@link #pinFrame}. After the domain was destroyed (its pins were
     * all dropped then) this does nothing.
     *
     * @throws IllegalStateException if {@code gfn} holds no pin (a bug in the caller); nothing changes
     */
    public void unpinFrame(long gfn) {
        long stamp = lock.writeLock();
        try {
            if (dying && totPages == 0) {
                return;
            }
            int mfn = p2m.get(gfn);
            if (mfn == P2m.INVALID || machine.refCount(mfn) < 2) {
                throw new IllegalStateException("d" + domid + " gfn 0x" + Long.toHexString(gfn) + " is not pinned");
            }
            machine.put(mfn);
            if (machine.refCount(mfn) == 1) {
                pinnedFrames--;
                metrics.adjust(Gauge.PINNED_FRAMES, -1);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Pins on {@code gfn} now (0 if it is not RAM), recounted from the frame's references. */
    public int pinsOn(long gfn) {
        long stamp = lock.readLock();
        try {
            int mfn = p2m.get(gfn);
            return mfn == P2m.INVALID ? 0 : machine.refCount(mfn) - 1;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // ---- life cycle ----

    void markDying() {
        dying = true;
    }

    /** Populates guest frames {@code 0 .. pages-1} at creation. */
    void populateInitial(long pages) {
        long stamp = lock.writeLock();
        try {
            if (pages > maxPages || pages > Integer.MAX_VALUE) {
                throw new XenException(XenErrno.EINVAL, "initial memory above the reservation");
            }
            mapNewFrames(0, (int) pages);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Frees every frame the domain holds, dropping pins left on them.
     *
     * @return the pins that were left (leaked by whoever took them)
     */
    long releaseAllFrames() {
        long stamp = lock.writeLock();
        try {
            dying = true;
            long[] leaked = new long[1];
            p2m.forEachPopulated((gfn, mfn) -> {
                p2m.clear(gfn);
                dirty.clear(gfn);
                leaked[0] += machine.reclaim(mfn);
            });
            for (int i = 0; i < unmappedCount; i++) {
                leaked[0] += machine.reclaim(unmapped[i]);
            }
            unmapped = new int[0];
            unmappedCount = 0;
            if (pinnedFrames != 0) {
                metrics.adjust(Gauge.PINNED_FRAMES, -pinnedFrames);
                pinnedFrames = 0;
            }
            totPages = 0;
            return leaked[0];
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Recounts populated p2m entries ({@link #totPages()} is these and {@link #unmappedFrames()}). */
    public long countPopulated() {
        long stamp = lock.readLock();
        try {
            long[] n = new long[1];
            p2m.forEachPopulated((gfn, mfn) -> n[0]++);
            return n[0];
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Checks this domain's accounting against its tables: {@code tot_pages} equals the populated
     * entries and the unmapped frames, every unmapped frame is owned by this domain with only its
     * allocation reference, every mapped frame is owned by this domain and referenced, pinned frames recount,
     * the dirty log's count recounts from its bits and marks only frames the domain holds.
     *
     * @return a description of each inconsistency; empty when consistent
     */
    public java.util.List<String> audit() {
        long stamp = lock.readLock();
        try {
            java.util.List<String> problems = new java.util.ArrayList<>();
            long[] counts = new long[2]; // populated, pinned
            // One machine lock for the whole walk (domain, then machine memory, as allocation does);
            // a run whose frames are all held by this domain is checked in one step, and a run
            // with any problem is checked frame by frame to name each problem.
            machine.inspect(frames -> {
                p2m.forEachRun((gfn, mfn, count) -> {
                    counts[0] += count;
                    int pinnedInRun = frames.pinnedIfAllHeldBy(domid, mfn, count);
                    if (pinnedInRun >= 0) {
                        counts[1] += pinnedInRun;
                        return;
                    }
                    for (int i = 0; i < count; i++) {
                        auditEntry(frames, gfn + i, mfn + i, problems, counts);
                    }
                });
                for (int i = 0; i < unmappedCount; i++) {
                    int mfn = unmapped[i];
                    if (frames.owner(mfn) != domid || frames.refCount(mfn) != 1) {
                        problems.add("d" + domid + " unmapped mfn " + mfn + " is owned by " + frames.owner(mfn)
                                + " with " + frames.refCount(mfn) + " references");
                    }
                }
            });
            long populated = counts[0];
            long pinned = counts[1];
            if (populated + unmappedCount != totPages) {
                problems.add("d" + domid + " tot_pages " + totPages + " but " + populated + " populated and "
                        + unmappedCount + " unmapped");
            }
            if (pinned != pinnedFrames) {
                problems.add("d" + domid + " pinned " + pinnedFrames + " but " + pinned + " frames hold pins");
            }
            // Every write marks a frame it reached, and a frame given back loses its bit.
            long[] dirtyBits = new long[1];
            dirty.forEachDirty(gfn -> {
                dirtyBits[0]++;
                if (p2m.get(gfn) == P2m.INVALID) {
                    problems.add("d" + domid + " gfn 0x" + Long.toHexString(gfn) + " is dirty but not RAM");
                }
            });
            if (dirtyBits[0] != dirty.dirtyPages()) {
                problems.add("d" + domid + " dirty log counts " + dirty.dirtyPages() + " pages but " + dirtyBits[0] + " bits are set");
            }
            return problems;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The audit of one p2m entry: the frame is this domain's and referenced; counts a pin. */
    private void auditEntry(MachineMemory.FrameInspector frames, long gfn, int mfn, java.util.List<String> problems,
            long[] counts) {
        int owner = frames.owner(mfn);
        if (owner != domid) {
            problems.add("d" + domid + " gfn 0x" + Long.toHexString(gfn) + " maps mfn " + mfn + " owned by " + owner);
        }
        int refs = frames.refCount(mfn);
        if (refs < 1) {
            problems.add("d" + domid + " gfn 0x" + Long.toHexString(gfn) + " maps a free frame");
        } else if (refs > 1) {
            counts[1]++;
        }
    }

    // ---- internals ----

    private long extentSize(int order) {
        if (order < 0 || order > maxExtentOrder) {
            throw new XenException(XenErrno.EINVAL, "extent order " + order + " above " + maxExtentOrder);
        }
        return 1L << order;
    }

    private void checkAlive() {
        if (dying) {
            throw new XenException(XenErrno.ESRCH, "d" + domid + " is dying");
        }
    }

    /** Allocates {@code count} frames and maps them at {@code gfn..}; caller holds the write lock. */
    private int[] mapNewFrames(long gfn, int count) {
        if (count > maxPages - totPages) {
            throw new XenException(XenErrno.ENOMEM, "d" + domid + " would exceed its reservation of " + maxPages);
        }
        int[] mfns = machine.allocate(domid, count);
        if (mfns == null) {
            int free = machine.freeFrames();
            throw new XenException(XenErrno.ENOMEM, "machine memory is short by " + (count - free) + " frames: d" + domid
                    + " needs " + count + ", " + free + " are free");
        }
        for (int i = 0; i < count; i++) {
            p2m.set(gfn + i, mfns[i]);
        }
        totPages += count;
        if (gfn <= firstFreeHint) {
            firstFreeHint = Math.max(firstFreeHint, gfn + count);
        }
        return mfns;
    }

    /** The lowest run of {@code count} unpopulated gfns aligned to {@code count}, or -1. */
    private long findFreeRun(long count) {
        long gfn = p2m.nextUnpopulated(firstFreeHint);
        if (gfn < 0) {
            firstFreeHint = p2m.frames();
            return -1;
        }
        firstFreeHint = gfn;
        long candidate = (gfn + count - 1) & -count;
        while (p2m.contains(candidate, count)) {
            long busy = -1;
            for (long g = candidate; g < candidate + count; g++) {
                if (p2m.get(g) != P2m.INVALID) {
                    busy = g;
                    break;
                }
            }
            if (busy < 0) {
                return candidate;
            }
            candidate = (busy + count) & -count;
        }
        return -1;
    }

    // ---- for DomainMemory ----

    long lockShared() {
        return lock.readLock();
    }

    void unlockShared(long stamp) {
        lock.unlockRead(stamp);
    }

    int mfnLocked(long gfn) {
        return p2m.get(gfn);
    }

    /** A stamp for an optimistic read of the p2m, or 0 while a p2m change holds the lock. */
    long optimisticStamp() {
        return lock.tryOptimisticRead();
    }

    /** Whether no p2m change began since {@code stamp} was issued; orders the reads before it. */
    boolean stillValid(long stamp) {
        return lock.validate(stamp);
    }

    /**
     * The p2m entry of {@code gfn} read without the lock: any int the entry held (or a chunk's
     * initial 0), never an exception; believed only after {@link #stillValid}.
     */
    int mfnOptimistic(long gfn) {
        return p2m.get(gfn);
    }

    MachineMemory machine() {
        return machine;
    }

    @Override
    public String toString() {
        return "d" + domid;
    }
}
