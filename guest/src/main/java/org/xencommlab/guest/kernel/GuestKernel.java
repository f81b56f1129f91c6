package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.memory.FrameAllocator;
import org.xencommlab.guest.memory.SwapStore;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * The guest kernel of one domain: frame allocator, kernel heap, the kernel half of every address
 * space (the direct map), processes with page tables in guest memory, demand paging, the swapper
 * and compaction. Made by {@link GuestKernelFactory}.
 *
 * <p>A façade over its parts, each of which owns its state and documents its locking: the
 * per-kernel {@link PageReclaim} (swapper, compaction and migration, reverse map, swap store,
 * direct reclaim; it owns the kernel's memory lock), {@link KernelHalf} (direct map, kernel heap),
 * {@link ProcessTable} (pids, the live processes, shutdown, the release of the arch's kernel
 * state) and {@link VcpuRoots} (which root each vCPU runs on); and per process, its
 * {@link AddressSpace} and {@link GuestProcess}'s own parts. The kernel itself keeps no mutable
 * state.
 *
 * <p>The swapper and compaction act on real page-table entries (see {@link PageReclaim}) and can be
 * driven explicitly ({@link #swapOut}, {@link #swapOutPage}, {@link #startMigration},
 * {@link #compact}) or in the background from the scheduler with seeded probabilities
 * ({@link #setMemoryPressure}, {@link #setCompaction}).
 *
 * <p>The arch's guest half: the kernel attaches itself at the end of its boot
 * ({@link GuestXencomm#attachKernel}, once) and keeps the {@link KernelXencomm} it gets
 * ({@link #xencomm()}); each process gets its own state from it when it starts (see
 * {@link GuestProcess}). After {@link #shutdown} the kernel's state is released exactly once, once
 * the last process of the kernel is torn down (each process's state released first).
 *
 * <p>Thread-safety: every part takes the lock its state needs; none holds the memory lock while it
 * calls the hypervisor or the scheduler, runs a clean-up or releases an arch state.
 */
public final class GuestKernel implements KernelServices, VcpuArgumentPages.Holder {
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
    private final PageReclaim reclaim;
    private final KernelHalf kernelHalf;
    private final VcpuRoots vcpus;
    private final KernelVcpuPages vcpuPages;
    private final GuestScheduler.Registration background;
    private final KernelXencomm xencomm;
    private final ProcessTable<GuestProcess> table;

    /** Boots the kernel on arguments {@link GuestKernelFactory} has checked. */
    GuestKernel(int domid, long ramPages, long maxPages, GuestPhysicalMemory memory, PageTableFormat format,
            AddressSpaceLayout layout, PageSize pageSize, HypervisorGate gate, GuestScheduler scheduler, RunMetrics metrics,
            Trace trace, GuestConfig config, GuestXencomm guestXencomm) {
        this.domid = domid;
        this.memory = memory;
        this.layout = layout;
        this.pageSize = pageSize;
        this.gate = gate;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.trace = trace;
        this.config = config;
        this.frames = new FrameAllocator(maxPages, ramPages, config.kernelReservePages());
        this.tables = new PageTables(memory, format, pageSize);
        this.reclaim = new PageReclaim(domid, memory, frames, tables, new SwapStore(config.swapSlots(), pageSize.bytes()),
                scheduler, metrics, trace);
        this.kernelHalf = new KernelHalf(reclaim, frames, tables, layout, memory, maxPages);
        this.vcpus = new VcpuRoots(domid, config.vcpus(), kernelHalf.directMap().rootGfn(), gate, pageSize);
        this.vcpuPages = new KernelVcpuPages(this, this::xencomm, config.vcpus());
        this.background = scheduler.register("kernel d" + domid + " pager", reclaim::backgroundPaging);
        // The arch may keep this kernel but calls none of it while it attaches.
        this.xencomm = requireNonNull(guestXencomm.attachKernel(this), "the arch's guest half made no kernel state");
        this.table = new ProcessTable<>(reclaim.lock(), domid, trace, xencomm::release);
        trace.event(TraceKind.PROCESS, domid, () -> "kernel booted: " + ramPages + " pages of " + pageSize.bytes()
                + " bytes, kernel root 0x" + Long.toHexString(kernelRootGfn()));
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
        return kernelHalf.kmalloc(length);
    }

    @Override
    public void kfree(KernelBlock block) {
        kernelHalf.kfree(block);
    }

    @Override
    public KernelBlock allocateContiguous(int nrPages) {
        return kernelHalf.allocateContiguous(nrPages);
    }

    @Override
    public void freeContiguous(KernelBlock block) {
        kernelHalf.freeContiguous(block);
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
        GuestProcess process = table.start(pid -> newProcess(pid, name));
        trace.event(TraceKind.PROCESS, domid, () -> "start pid " + process.pid() + " " + name);
        return process;
    }

    /** Process {@code pid} and its address space, under the memory lock; if the arch cannot make its state, nothing of it stays. */
    private GuestProcess newProcess(int pid, String name) {
        long root = kernelHalf.newProcessRoot();
        if (root < 0) {
            throw new XenException(XenErrno.ENOMEM, "no frame for a root page table");
        }
        AddressSpace space = new AddressSpace(pid, root, reclaim, tables, kernelHalf.directMap(), layout, pageSize, memory, metrics,
                config.mlockLimitPages(), config.mmapMinAddress());
        reclaim.register(space);
        try {
            return new GuestProcess(this, name, pid % vcpus.count(), space, vcpus, table, xencomm);
        } catch (RuntimeException e) {
            space.retire();
            space.destroy();
            throw e;
        }
    }

    /** The live process {@code pid}, or null. */
    public GuestProcess process(int pid) {
        return table.get(pid);
    }

    /** Live (and exiting) processes in pid order. */
    public List<GuestProcess> processes() {
        return table.all();
    }

    /**
     * Shuts the kernel down at the end of a run: kills every process (each torn down as on
     * exit), stops its background paging and, once no process is left, releases the arch's
     * kernel state (exactly once; a process that was inside a system call dies at its return to
     * user mode, and the release follows its teardown). Kernel memory stays allocated. Calling it
     * again does nothing more.
     */
    public void shutdown() {
        for (GuestProcess process : table.shutDown()) {
            process.kill();
        }
        background.cancel();
        table.releaseKernelStateIfDone();
    }

    /** Each vCPU's argument pages, allocated the first time a call on that vCPU asks for them. */
    public KernelVcpuPages vcpuPages() {
        return vcpuPages;
    }

    /** The pages of vCPU 0, on which the kernel issues its own hypercalls ({@link #hypercall}). */
    @Override
    public Optional<VcpuArgumentPages> vcpuArgumentPages() {
        return Optional.of(vcpuPages.forVcpu(0));
    }

    /** The arch's state of this kernel, made at boot ({@link GuestXencomm#attachKernel}). */
    public KernelXencomm xencomm() {
        return xencomm;
    }

    /** Whether the arch's kernel state was released (shut down, no process left). */
    public boolean isXencommReleased() {
        return table.kernelStateReleased();
    }

    /** Arch-state releases (of this kernel's or its processes' states) that threw; each was still counted as done. */
    public int xencommReleaseFailures() {
        return table.releaseFailures();
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
        return kernelHalf.tableFrames();
    }

    /** Blocks from kmalloc and contiguous reservations not yet freed. */
    public int kernelBlocksLive() {
        return kernelHalf.liveBlocks();
    }

    public int swapSlotsInUse() {
        return reclaim.swapSlotsInUse();
    }

    /** Pages locked by all processes. */
    public long lockedPages() {
        return reclaim.lockedPages();
    }

    /** Frames whose mapping is gone but which pins still hold (freed by the last unpin). */
    public int orphanedPinnedFrames() {
        return reclaim.orphanedFrames();
    }

    /** Migrations in phase 1, waiting for phase 2. */
    public int pendingMigrations() {
        return reclaim.pendingMigrations();
    }

    /** The kernel's root table (kernel threads' address space). */
    public long kernelRootGfn() {
        return kernelHalf.directMap().rootGfn();
    }

    /** The root table vCPU {@code vcpu} runs on now, as this kernel loaded it. */
    public long currentRootGfn(int vcpu) {
        return vcpus.current(vcpu);
    }

    // ---- the swapper and compaction, explicitly ----

    /**
     * Evicts up to {@code maxPages} unlocked, unpinned, present anonymous pages of
     * {@code process}, lowest address first.
     *
     * @return pages evicted (fewer when no more are eligible or swap is full)
     */
    public int swapOut(GuestProcess process, int maxPages) {
        return reclaim.swapOut(pidOf(process), maxPages);
    }

    /** Evicts every eligible page of every process (swap space permitting). */
    public int swapOutAll() {
        return reclaim.swapOutAll();
    }

    /** Evicts the page holding {@code address} of {@code process}, if it is eligible; false otherwise. */
    public boolean swapOutPage(GuestProcess process, long address) {
        return reclaim.swapOutPage(pidOf(process), address);
    }

    /**
     * Phase 1 of migrating the page holding {@code address} (locked or not; never pinned or
     * driver-mapped): its entry becomes a not-present migration entry and its bytes are copied to
     * a new frame. Phase 2 runs at the scheduler's delay, or when the process touches the page.
     *
     * @return false if the page is not eligible or no frame is free
     */
    public boolean startMigration(GuestProcess process, long address) {
        return reclaim.startMigration(pidOf(process), address);
    }

    /** Phase 1 for every eligible page of {@code process}; returns how many started. */
    public int compact(GuestProcess process) {
        return reclaim.compact(pidOf(process));
    }

    private int pidOf(GuestProcess process) {
        if (process.kernel() != this) {
            throw new IllegalArgumentException(process + " is not a process of this kernel");
        }
        return process.pid();
    }

    // ---- the swapper and compaction, in the background ----

    /**
     * Memory pressure: at each scheduling point, with probability {@code probability}, the
     * swapper evicts {@code pagesPerPoint} eligible pages chosen at random (seeded) among all
     * processes. 0 turns it off.
     */
    public void setMemoryPressure(double probability, int pagesPerPoint) {
        reclaim.setMemoryPressure(probability, pagesPerPoint);
    }

    /**
     * Compaction: at each scheduling point, with probability {@code probability}, phase 1 of a
     * migration starts on an eligible page chosen at random (seeded). 0 turns it off.
     */
    public void setCompaction(double probability) {
        reclaim.setCompaction(probability);
    }
}
