package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.guest.abi.KernelPlacement;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.hypervisor.control.Hypervisor;

/**
 * The malicious domain: a kernel that issues hypercalls straight through the gate with whatever
 * words and memory it likes, and a tool of it that issues them through privcmd. It owns the memory
 * its calls name (a kernel arena, the tool's hypercall buffers, a page made read-only behind the
 * kernel's back, a freed buffer whose references are stale) and knows where the honest domains'
 * canaries are, so that {@link HostileCalls} can aim at them.
 */
public final class Attacker {
    /** Bytes of the kernel arena crafted calls are placed in. */
    public static final int ARENA_BYTES = 4 * 4096;

    private final Hypervisor xen;
    private final GuestKernel kernel;
    private final KernelXencomm xencomm;
    private final ArgumentStrategy strategy;
    private final PageSize pageSize;
    private final boolean ppc;
    private KernelPlacement arena;
    private long arenaReference;
    private long arenasRemade;
    private final XcHandle tool;
    private final List<HypercallBuffer> buffers = new ArrayList<>();
    private final List<BufferSlice> slices = new ArrayList<>();
    /** The frames under each buffer the tool allocated and never freed successfully (read when it was made). */
    private final Map<HypercallBuffer, long[]> heldFrames = new IdentityHashMap<>();
    private final long[] ownFrames = new long[4];
    private final List<Long> pool = new ArrayList<>();
    private final int[] honestDomids;
    private final long[] honestAddresses;
    private final boolean privileged;
    private final List<org.xencommlab.guest.kernel.GuestProcess> processes = new ArrayList<>();

    Attacker(org.xencommlab.machine.facade.Machine machine, GuestKernel kernel, GuestXencomm xencomm,
            PageTableFormat format, List<HonestDomain> honest, boolean privileged) {
        this.xen = machine.hypervisor();
        this.kernel = requireNonNull(kernel, "kernel is null");
        requireNonNull(xencomm, "xencomm is null");
        this.xencomm = kernel.xencomm();
        this.strategy = machine.strategy();
        this.pageSize = machine.pageSize();
        this.privileged = privileged;
        this.ppc = kernel.layout().getClass().getName().contains(".ppc.")
                || this.xencomm.getClass().getName().contains(".ppc.");
        this.arena = KernelPlacement.allocate(kernel, this.xencomm, ARENA_BYTES);
        this.arenaReference = this.xencomm.kernelReference(arena.block(), 0, ARENA_BYTES).value();
        this.tool = machine.startTool(kernel, "mallory", 0);
        processes.add(tool.process());
        for (int pages : new int[] {1, 2}) {
            HypercallBuffer buffer = tool.allocBuf(pages);
            buffers.add(buffer);
            heldFrames.put(buffer, framesOf(buffer));
            slices.add(tool.allocMem(buffer, (int) buffer.remaining()));
        }
        for (int i = 0; i < ownFrames.length; i++) {
            ownFrames[i] = kernel.frameAllocator().allocate(FrameUse.KERNEL);
        }
        this.honestDomids = honest.stream().mapToInt(HonestDomain::domid).toArray();
        List<Long> addresses = new ArrayList<>();
        honest.forEach(h -> {
            for (long a : h.canaryAddresses()) {
                addresses.add(a);
            }
        });
        this.honestAddresses = addresses.stream().mapToLong(Long::longValue).toArray();
        buildPool(machine, format);
    }

    private void buildPool(org.xencommlab.machine.facade.Machine machine, PageTableFormat format) {
        // Valid references of every kind the attacker holds, and offsets into and past them.
        add(arenaReference, arenaReference + 8, arenaReference + ARENA_BYTES - 8, arenaReference + ARENA_BYTES,
                arenaReference + pageSize.bytes() - 4);
        for (BufferSlice slice : slices) {
            long ref = slice.reference().value();
            add(ref, ref + 16, ref + slice.length() - 8, ref + slice.length(), slice.userAddress(),
                    slice.userAddress() + slice.length() + 64L * pageSize.bytes());
        }
        // A stale reference: a buffer allocated, named, and freed again.
        XcHandle old = machine.startTool(kernel, "mallory-old", 0);
        processes.add(old.process());
        HypercallBuffer gone = old.allocBuf(1);
        BufferSlice goneSlice = old.allocMem(gone, 64);
        old.freeBuf(gone);
        add(goneSlice.reference().value(), goneSlice.userAddress());
        // A page of the tool's made read-only behind its kernel's back (the entry rewritten).
        try {
            long page = tool.process().mmapAnonymous(pageSize.bytes());
            tool.process().writeMemory(page, new byte[] {1}, 0, 1);
            PageTables tables = new PageTables(kernel.physicalMemory(), format, pageSize);
            long entryAddress = tables.leafEntryAddress(tool.process().rootGfn(), page);
            long gfn = tool.process().translate(page) >>> pageSize.shift();
            if (entryAddress >= 0 && gfn > 0) {
                tables.write(entryAddress, format.pageEntry(gfn, false, true));
                add(page, page + 8);
            }
        } catch (RuntimeException e) {
            // an arch whose tables the hypervisor does not walk may refuse: then there is no such page
        }
        // The attacker's own frames, by physical address and kernel address; other domains' canaries likewise.
        for (long gfn : ownFrames) {
            long physical = pageSize.addressOf(gfn);
            add(physical, kernel.layout().kernelAddressOf(physical), physical | Long.MIN_VALUE);
        }
        for (long physical : honestAddresses) {
            add(physical, physical + 8, kernel.layout().kernelAddressOf(physical), physical | Long.MIN_VALUE,
                    kernel.layout().kernelAddressOf(physical) + pageSize.bytes() - 8);
        }
        // Unmapped memory, and the top of the address space.
        long memoryEnd = kernel.frameAllocator().totalFrames() * pageSize.bytes();
        add(memoryEnd, memoryEnd | Long.MIN_VALUE, kernel.layout().kernelAddressOf(memoryEnd), 0x1000L, 0L, -1L, -8L,
                -4096L, 0xffff_ffff_ffff_f000L, 0xffff_ffff_ffff_ff00L, Long.MIN_VALUE, Long.MAX_VALUE,
                Long.MIN_VALUE | 0xfffL, 0x7fff_ffff_f000L, 0xffff_8000_0000_0000L);
    }

    private void add(long... values) {
        for (long v : values) {
            pool.add(v);
        }
    }

    // ---- what the generator may use ----

    public boolean isPpc() {
        return ppc;
    }

    public boolean privileged() {
        return privileged;
    }

    public int domid() {
        return kernel.domid();
    }

    public ArgumentStrategy strategy() {
        return strategy;
    }

    public PageSize pageSize() {
        return pageSize;
    }

    /** An interesting 64-bit word: a reference, an address, a domid, a size, an edge value. */
    long word(SplittableRandom r) {
        int pick = r.nextInt(100);
        if (pick < 40) {
            return pool.get(r.nextInt(pool.size()));
        } else if (pick < 60) {
            return r.nextInt(-2, 71);
        } else if (pick < 72) {
            return r.nextLong();
        } else if (pick < 87) {
            return pool.get(r.nextInt(pool.size())) + r.nextInt(-64, 4097);
        } else if (pick < 94) {
            return domidWord(r);
        }
        return 1L << r.nextInt(64);
    }

    /** A domid: self, DOMID_SELF, an honest domain (unprivileged attackers only), none, or junk. */
    long domidWord(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> domid();
            case 1 -> 0x7FF0;
            case 2 -> privileged ? 9 : honestDomids[r.nextInt(honestDomids.length)];
            case 3 -> r.nextInt(0x7FF0, 0x10000);
            default -> r.nextInt(0, 16);
        };
    }

    /** A reference the attacker holds (valid or stale) or aims at someone else's memory. */
    long reference(SplittableRandom r) {
        return pool.get(r.nextInt(pool.size()));
    }

    long honestAddress(SplittableRandom r) {
        return honestAddresses[r.nextInt(honestAddresses.length)];
    }

    int honestDomid(SplittableRandom r) {
        return privileged ? 9 : honestDomids[r.nextInt(honestDomids.length)];
    }

    long ownFrame(SplittableRandom r) {
        return ownFrames[r.nextInt(ownFrames.length)];
    }

    long arenaReference() {
        return arenaReference;
    }

    /** The arena's guest-physical address. */
    long arenaPhysical() {
        return arena.block().physicalAddress();
    }

    KernelBlock arenaBlock() {
        return arena.block();
    }

    /** The reference naming byte {@code offset} of the arena, the arch's native way. */
    long arenaReferenceAt(int offset) {
        return xencomm.kernelReference(arena.block(), offset, ARENA_BYTES - offset).value();
    }

    /** Writes {@code bytes} into the arena at {@code offset} with kernel stores. */
    void writeArena(int offset, byte[] bytes) {
        int length = Math.min(bytes.length, ARENA_BYTES - offset);
        long address = arena.block().physicalAddress() + offset;
        for (int done = 0; done < length; ) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().write(address + done, bytes, done, piece);
            done += piece;
        }
    }

    /** Reads the arena (what a call placed, or what the hypervisor wrote back). */
    byte[] readArena(int offset, int length) {
        byte[] out = new byte[length];
        long address = arena.block().physicalAddress() + offset;
        for (int done = 0; done < length; ) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().read(address + done, out, done, piece);
            done += piece;
        }
        return out;
    }

    /** Places {@code request} in the arena with the run's strategy; the arena is reset first. */
    <R> PreparedCall<R> place(HypercallRequest<R> request) {
        arena.reset();
        return strategy.prepare(arena, request);
    }

    /** Bytes the last {@link #place} put in the arena. */
    int placedBytes() {
        return arena.used();
    }

    List<BufferSlice> slices() {
        return slices;
    }

    XcHandle tool() {
        return tool;
    }

    GuestKernel kernel() {
        return kernel;
    }

    /** Issues a call from the kernel, straight through the gate, on vCPU 0. */
    long issueFromKernel(long op, long[] args) {
        try {
            return xen.gate().hypercall(kernel.domid(), 0, op, args);
        } catch (RuntimeException e) {
            throw new EscapedException(e);
        }
    }

    /** Issues a call from the tool through privcmd; a refusal before the gate is its errno. */
    long issueFromTool(int op, long[] args) {
        try {
            return tool.hypercall(op, args);
        } catch (XenException e) {
            return e.asResult();
        } catch (RuntimeException e) {
            throw new EscapedException(e);
        }
    }

    /** Writes into the tool's memory (its buffers). */
    void writeTool(long userAddress, byte[] bytes) {
        try {
            tool.process().writeMemory(userAddress, bytes, 0, bytes.length);
        } catch (RuntimeException e) {
            // The attacker's kernel gave the page's frame away under its own process: its store is
            // lost (the kernel's page-fault path cannot map it again). Its own problem, not Xen's.
            selfInflicted++;
        }
    }

    private long selfInflicted;

    /** Stores of the attacker's tool that its own kernel's earlier calls had made impossible. */
    long selfInflicted() {
        return selfInflicted;
    }

    /**
     * Makes sure the arena is still the attacker's RAM: a call may have given its frames back to
     * Xen (the attacker is its own victim too). Then a fresh one is {@code kmalloc}'d; the old
     * one is never freed, as a kernel that lost its memory would not know what to free.
     */
    void healArena() {
        for (int offset = 0; offset < ARENA_BYTES; offset += pageSize.bytes()) {
            try {
                kernel.physicalMemory().read(arena.block().physicalAddress() + offset, new byte[1], 0, 1);
            } catch (RuntimeException e) {
                arena = KernelPlacement.allocate(kernel, xencomm, ARENA_BYTES);
                arenaReference = xencomm.kernelReference(arena.block(), 0, ARENA_BYTES).value();
                arenasRemade++;
                return;
            }
        }
    }

    long arenasRemade() {
        return arenasRemade;
    }

    /** Clean-ups that threw when the attacker's processes ended (its tool and the one that made the stale reference). */
    int cleanupFailures() {
        return processes.stream().mapToInt(org.xencommlab.guest.kernel.GuestProcess::cleanupFailures).sum();
    }

    /**
     * Whether the attacker's kernel uses a frame (for itself, a page table or a process) that is no
     * longer its domain's RAM: it gave its own memory back to Xen through its calls.
     */
    boolean lostOwnMemory() {
        var frames = kernel.frameAllocator();
        for (long gfn = 0; gfn < frames.totalFrames(); gfn++) {
            FrameUse use = frames.useOf(gfn);
            if ((use == FrameUse.KERNEL || use == FrameUse.PAGE_TABLE || use == FrameUse.USER)
                    && !kernel.physicalMemory().isRam(gfn)) {
                return true;
            }
        }
        return false;
    }

    /** Kernel blocks the attacker's kernel keeps for the harness: every arena it made (none is ever freed). */
    long arenasHeld() {
        return 1 + arenasRemade;
    }

    /** Makes sure the tool still holds two buffers (a race may have freed one). */
    void replenish() {
        if (!tool.isOpen() || !tool.process().isAlive()) {
            return;
        }
        while (buffers.size() < 2) {
            try {
                HypercallBuffer buffer = tool.allocBuf(1 + buffers.size());
                buffers.add(buffer);
                heldFrames.put(buffer, framesOf(buffer));
                slices.add(tool.allocMem(buffer, (int) buffer.remaining()));
            } catch (XenException e) {
                return;
            }
        }
    }

    /** Frees one of the tool's buffers (the race's unregister); its references become stale. */
    void dropBuffer(SplittableRandom r) {
        if (buffers.isEmpty() || !tool.isOpen()) {
            return;
        }
        int i = r.nextInt(buffers.size());
        HypercallBuffer buffer = buffers.remove(i);
        slices.remove(i);
        try {
            tool.freeBuf(buffer);
            heldFrames.remove(buffer);
        } catch (XenException e) {
            // the tool's library refused (a killed process): the buffer stays with the process
        }
    }

    /** Gives one of the attacker's own frames back to Xen (decrease_reservation from the kernel), whatever names it. */
    void giveFrameBack(SplittableRandom r) {
        long gfn = ownFrames[r.nextInt(ownFrames.length)];
        org.xencommlab.api.abi.memory.ReservationRequest request = new org.xencommlab.api.abi.memory.ReservationRequest(
                org.xencommlab.api.hypercall.SubOps.MemoryOp.DECREASE_RESERVATION, new long[] {gfn}, 0, 0,
                org.xencommlab.api.abi.memory.ReservationRequest.DOMID_SELF);
        try (KernelPlacement side = KernelPlacement.allocate(kernel, xencomm, strategy.argumentBytes(request))) {
            PreparedCall<?> call = strategy.prepare(side, request);
            issueFromKernel(call.op(), call.args());
        } catch (XenException e) {
            // no kernel memory for the request: nothing given back
        }
    }

    private long[] framesOf(HypercallBuffer buffer) {
        long[] gfns = new long[buffer.nrPages()];
        for (int i = 0; i < gfns.length; i++) {
            long physical = tool.process().translate(buffer.userAddress() + (long) i * pageSize.bytes());
            gfns[i] = physical < 0 ? -1 : physical >>> pageSize.shift();
        }
        return gfns;
    }

    /**
     * Once every process ended: the frames under the tool's buffers (those it never freed) that the
     * attacker's kernel still keeps as user frames while Xen holds no pin on them. In a kernel that
     * keeps a dead tool's registrations (ppc's {@code cleanup=off}), these are exactly the frames
     * whose registrations the attacker's own kernel code removed with raw calls behind its driver's
     * back: the driver still pins them, as it must while it believes Xen may write them.
     */
    long toolFramesXenNoLongerPins(org.xencommlab.hypervisor.domain.Domain domain) {
        Set<Long> frames = new LinkedHashSet<>();
        for (long[] gfns : heldFrames.values()) {
            for (long gfn : gfns) {
                if (gfn >= 0 && gfn < kernel.frameAllocator().totalFrames()) {
                    frames.add(gfn);
                }
            }
        }
        return frames.stream().filter(gfn -> kernel.frameAllocator().useOf(gfn) == FrameUse.USER && domain.pinsOn(gfn) == 0)
                .count();
    }

    List<HypercallBuffer> buffers() {
        return buffers;
    }
}
