package org.xencommlab.arch.x86.hypervisor;

import static java.util.Objects.requireNonNull;

import java.nio.ByteOrder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * The hypervisor half of the x86 backend: a reference is a guest virtual address, resolved by
 * walking the calling vCPU's current page tables in guest memory, as Xen's PV
 * {@code copy_from_guest} does with the guest's CR3 loaded and exception fix-up around the access.
 *
 * <p>Each {@link GuestRegion#translate} computes {@code va = ref + offset} and walks PML4, PDPT,
 * PD and PT from {@link HypercallContext#pageTableBase()}, reading one entry per level through
 * {@link HypercallContext#memory()} (each read counts one {@link Counter#TRANSLATION_STEPS}, added
 * per translation, or once per copy when the copy path asked the region to defer its counts); it
 * honours 2 MiB and 1 GiB pages. It gives -EFAULT, as Xen's fix-up does, when:
 * <ul>
 *   <li>the offset is negative, {@code ref + offset} wraps around the address space, or the
 *       address is not canonical;</li>
 *   <li>an entry on the way is not present (Xen cannot fault a page in: that is the guest's job,
 *       hence mlock);</li>
 *   <li>the access is a write and an entry on the way is not writable (a read-only page, or a
 *       page shared copy-on-write);</li>
 *   <li>a table, or the final page, lies in a frame the domain does not hold as RAM;</li>
 *   <li>an entry has a reserved bit set, as the hardware's RSVD fault: PS in a PML4 entry, or
 *       frame bits below a large page's alignment (bit 12, PAT, excepted).</li>
 * </ul>
 * The user bit is not checked: Xen accesses guest memory with its own privilege, and a guest
 * kernel's own addresses (its direct map) resolve the same way. Nothing is cached between calls,
 * since the guest may change its tables at any scheduling point. Each domain's
 * {@link DomainArchState} ({@link #createDomainState}) holds nothing but a link to this resolver:
 * the page tables it walks are the guest's own, so nothing is charged, pinned or released, and
 * nothing is allocated per translation. References are addresses, so the default
 * {@link DomainArchState#advance} (add the bytes) is Xen's {@code guest_handle_add_offset}.
 */
public final class X86GuestHandleResolver implements GuestHandleResolver {
    private static final long EFAULT = XenErrno.EFAULT.asResult();
    private static final int LEVELS_TOP = X86PageTableFormat.LEVELS - 1;
    /** Bit 12 of a 2 MiB or 1 GiB entry: PAT, not part of the frame. */
    private static final long LARGE_PAGE_PAT = 1L << X86PageTableFormat.PAGE_SHIFT;

    private final X86PageTableFormat format;
    private final AddressSpaceLayout layout;

    public X86GuestHandleResolver(X86PageTableFormat format, AddressSpaceLayout layout) {
        this.format = requireNonNull(format, "format is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    /** The domain's page-walk state: charges nothing, holds nothing. */
    @Override
    public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
        return new PageWalkDomain();
    }

    /**
     * A domain's references as x86 resolves them. Immutable; {@link #release} has nothing to give
     * back (a call still running when the domain dies faults on the domain's memory, which the
     * hypervisor no longer lets it read).
     */
    private final class PageWalkDomain implements DomainArchState {
        /**
         * Never refuses a reference as a whole: every check depends on the byte translated, so a bad
         * reference shows up as -EFAULT from {@link GuestRegion#translate}.
         */
        @Override
        public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
            requireNonNull(context, "context is null");
            requireNonNull(ref, "ref is null");
            boolean write = requireNonNull(access, "access is null") == GuestAccessKind.WRITE;
            return new PageWalkGuestRegion(context, ref.value(), write);
        }

        @Override
        public void release(DomainTeardown teardown) {
            // Nothing held: the page tables walked are the guest's.
        }

        @Override
        public String toString() {
            return X86GuestHandleResolver.this.toString();
        }
    }

    /**
     * Xen's {@code access_ok} for a PV guest: the range {@code [ref + offset, ref + offset + length)}
     * must not wrap around the 64-bit address space, and its first and last bytes must both be
     * canonical and in the same half (a range cannot run through the non-canonical hole). Decided
     * from the addresses alone: no page-table entry is read and nothing is counted.
     */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        if (!GuestHandleResolver.super.accessOk(ref, offset, length)) {
            return false;
        }
        if (length == 0) {
            return true;
        }
        long base = ref.value();
        long first = base + offset;
        long last = first + (length - 1);
        if (Long.compareUnsigned(first, base) < 0 || Long.compareUnsigned(last, first) < 0) {
            return false;
        }
        return layout.isCanonical(first) && layout.isCanonical(last) && (first < 0) == (last < 0);
    }

    /**
     * One opened reference. Counts each walk's steps as it goes, or, once its caller asked
     * ({@link #deferCountsUntilClose()}), keeps them and adds them in one update at
     * {@link #close()}. Used by one thread (the entry's), like its context.
     */
    private final class PageWalkGuestRegion implements GuestRegion {
        private final HypercallContext context;
        private final long base;
        private final boolean write;
        private boolean deferring;
        private long deferredSteps;

        PageWalkGuestRegion(HypercallContext context, long base, boolean write) {
            this.context = context;
            this.base = base;
            this.write = write;
        }

        @Override
        public long translate(long offset) {
            return X86GuestHandleResolver.this.translate(context, base, offset, write, this);
        }

        @Override
        public void deferCountsUntilClose() {
            deferring = true;
        }

        @Override
        public void close() {
            long steps = deferredSteps;
            deferredSteps = 0;
            deferring = false;
            if (steps > 0) {
                context.metrics().add(Counter.TRANSLATION_STEPS, steps);
            }
        }

        void countSteps(int steps) {
            if (deferring) {
                deferredSteps += steps;
            } else {
                context.metrics().add(Counter.TRANSLATION_STEPS, steps);
            }
        }
    }

    /**
     * The guest-physical address of virtual address {@code base + offset} in the calling vCPU's
     * address space, or -EFAULT. Never throws for any input.
     */
    public long translate(HypercallContext context, long base, long offset, boolean write) {
        return translate(context, base, offset, write, null);
    }

    /** The walk; its steps go to {@code region} (which may defer them), or to the metrics if null. */
    private long translate(HypercallContext context, long base, long offset, boolean write, PageWalkGuestRegion region) {
        if (offset < 0) {
            return fault(context, region, base, offset, 0, "negative offset", -1);
        }
        long va = base + offset;
        if (Long.compareUnsigned(va, base) < 0) {
            return fault(context, region, base, offset, 0, "address wraps around", -1);
        }
        if (!layout.isCanonical(va)) {
            return fault(context, region, base, offset, 0, "non-canonical address", -1);
        }
        GuestPhysicalMemory memory = context.memory();
        ByteOrder order = format.byteOrder();
        int entrySize = format.entrySize();
        // CR3 bits 12..51 hold the PML4's address; the low bits are flags (PCD, PWT, PCID).
        long table = context.pageTableBase() & X86PageTableFormat.FRAME_MASK;
        int steps = 0;
        int level = X86PageTableFormat.LEVELS - 1;
        try {
            for (; level >= 0; level--) {
                long entry = memory.readLong(table + (long) format.indexAt(level, va) * entrySize, order);
                steps++;
                if (!format.isPresent(entry)) {
                    return fault(context, region, base, offset, steps, "not present at level ", level);
                }
                if (write && !format.isWritable(entry)) {
                    return fault(context, region, base, offset, steps, "not writable at level ", level);
                }
                if (level == LEVELS_TOP && format.isLargePage(entry)) {
                    return fault(context, region, base, offset, steps, "reserved bit (PS) set at level ", level);
                }
                table = entry & X86PageTableFormat.FRAME_MASK;
                if (level == 0 || ((level == 1 || level == 2) && format.isLargePage(entry))) {
                    long pageMask = (1L << X86PageTableFormat.shiftOf(level)) - 1;
                    // In a large-page entry the frame bits below the page's alignment are reserved
                    // (bit 12 is PAT): set, the hardware faults rather than rounding them away.
                    if ((table & pageMask & ~LARGE_PAGE_PAT) != 0) {
                        return fault(context, region, base, offset, steps, "reserved bits set at level ", level);
                    }
                    long physical = (table & ~pageMask) | (va & pageMask);
                    if (!memory.isRam(physical >>> X86PageTableFormat.PAGE_SHIFT)) {
                        return fault(context, region, base, offset, steps, "page not RAM at level ", level);
                    }
                    countSteps(context, region, steps);
                    return physical;
                }
            }
        } catch (XenException e) {
            // A table lies in a frame the domain does not hold as RAM: Xen's access faults too.
            return fault(context, region, base, offset, steps, "page table not RAM at level ", level);
        }
        return fault(context, region, base, offset, steps, "walk ended without a page", -1);
    }

    private static void countSteps(HypercallContext context, PageWalkGuestRegion region, int steps) {
        if (region != null) {
            region.countSteps(steps);
        } else {
            context.metrics().add(Counter.TRANSLATION_STEPS, steps);
        }
    }

    private static long fault(HypercallContext context, PageWalkGuestRegion region, long base, long offset, int steps, String why, int level) {
        if (steps > 0) {
            countSteps(context, region, steps);
        }
        if (context.trace().enabled()) {
            context.trace().event(TraceKind.FAULT, context.domid(), () -> "x86 walk of va 0x" + Long.toHexString(base)
                    + " + 0x" + Long.toHexString(offset) + ": " + why + (level >= 0 ? Integer.toString(level) : ""));
        }
        return EFAULT;
    }

    @Override
    public String toString() {
        return "x86 page walk";
    }
}
