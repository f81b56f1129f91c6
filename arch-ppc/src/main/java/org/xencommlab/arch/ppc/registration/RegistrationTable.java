package org.xencommlab.arch.ppc.registration;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * One domain's registered buffers, in the hypervisor: a two-level table of slots, each holding a
 * {@link BufferRegistration} or nothing. The mail's Problem #1 is why it is a table: a tool and the
 * balloon driver register and unregister in any interleaving, so the hypervisor tracks many
 * registrations per domain and each reference names its own ({@code bufid | offset}, see
 * {@link PpcMemref}).
 *
 * <h2>Shape</h2>
 * The slot index (20 bits) splits into a leaf number (the high 14 bits) and a slot in the leaf (the
 * low {@link #LEAF_BITS}). A leaf of {@link #LEAF_SLOTS} slots is made, and charged
 * {@link #LEAF_HEAP_BYTES} (1 KiB: per slot an 8-byte registration pointer, a 4-byte generation
 * and a 4-byte free-list link) to the domain's heap account, the first time one of its slots is
 * handed out, as Xen grows a grant table or an event-channel bucket on demand; leaves stay
 * until the domain is destroyed (their generations must outlive the registrations, see below). The
 * directory of leaves grows by doubling. So a table that never holds more than 64 registrations
 * (the default {@code max-registrations}) costs one leaf, and a million live registrations cost
 * 15,625 leaves (about 16 MB of Xen heap) besides
 * the registrations' own charges. Free slots are chained through the leaves' link words, oldest
 * freed first (nothing boxed, nothing allocated per free slot).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Bounded: at most {@code capacity} live registrations (up to {@link PpcMemref#MAX_INDEX});
 *       one more is -ENOSPC (as Xen's {@code get_free_port} when the event-channel table is
 *       full). Slots {@code 0..capacity-1} are handed out fresh before any freed slot is reused.</li>
 *   <li>Charged: each registration charges {@link #HEADER_BYTES} + {@link #BYTES_PER_PAGE} per page
 *       (Xen's {@code xmalloc} of a header and the frame list), and each leaf
 *       {@link #LEAF_HEAP_BYTES}, to the domain's heap account; a refused charge is -ENOMEM with
 *       nothing changed. {@link #heapCharged()} always equals {@link #recountHeapBytes()}.</li>
 *   <li>Pinned: every frame of a registration is pinned before it is published and unpinned after
 *       it is removed; if any frame cannot be pinned (not RAM of the domain) the pins taken are
 *       dropped and the result is -EFAULT, with nothing else changed.</li>
 *   <li>Generations: unregistering advances the slot's generation, so a stale bufid is -ENOENT,
 *       never another buffer. A slot whose generation would wrap is retired for good
 *       ({@link #retiredSlots()}), so a stale bufid never resolves again, however often slots are
 *       reused; once retired slots have spent the whole index space, registering is -ENOSPC. A
 *       bufid that cannot be valid in this table (inline flag, generation 0, an index beyond both
 *       the capacity and every index handed out, offset bits in an unregister) is -EINVAL. A second
 *       unregistration of the same bufid is -ENOENT.</li>
 *   <li>Thread-safe and linearizable: changes and the whole-table views happen under one lock;
 *       lookups read a published leaf and slot without locking (a slot holds an immutable
 *       {@link BufferRegistration}), in O(1): two array reads, whatever the number of live
 *       registrations. The domain's heap account is charged before a registration is published
 *       and released after it is removed, so the account alone may briefly show a charge the
 *       table does not yet (or no longer) hold; {@link #heapCharged()} moves with the table.</li>
 * </ul>
 */
public final class RegistrationTable {
    /** Heap bytes per registration besides its frame list: bufid, page count, list head, lock. */
    public static final long HEADER_BYTES = 64;
    /** Heap bytes per registered page: one 64-bit frame number. */
    public static final long BYTES_PER_PAGE = 8;
    /** Index bits that select a slot within a leaf. */
    public static final int LEAF_BITS = 6;
    /** Slots per leaf. */
    public static final int LEAF_SLOTS = 1 << LEAF_BITS;
    /** Heap bytes per leaf: per slot a registration pointer (8), a generation (4) and a free link (4). */
    public static final long LEAF_HEAP_BYTES = LEAF_SLOTS * 16L;

    private static final int LEAF_MASK = LEAF_SLOTS - 1;
    private static final int MAX_LEAVES = PpcMemref.MAX_INDEX >>> LEAF_BITS;
    private static final int NONE = -1;

    private final int domid;
    private final int capacity;
    private final XenHeapAccount heap;
    private final RunMetrics metrics;
    private final Trace trace;
    /** The directory; replaced (never changed in place) when it grows, under the lock. */
    private volatile Leaf[] leaves = new Leaf[1];
    /** Indexes below this were handed out at least once. Written under the lock. */
    private volatile int handedOut;

    private final Object lock = new Object();
    // Guarded by lock.
    private int freeHead = NONE;
    private int freeTail = NONE;
    private int leafCount;
    private long heapCharged;
    private int live;
    private int retired;
    private boolean destroyed;

    /** {@link #LEAF_SLOTS} slots: published registrations, and (under the lock) generations and free links. */
    private static final class Leaf {
        final AtomicReferenceArray<BufferRegistration> slots = new AtomicReferenceArray<>(LEAF_SLOTS);
        final int[] generations = new int[LEAF_SLOTS];
        final int[] nextFree = new int[LEAF_SLOTS];

        Leaf() {
            Arrays.fill(generations, 1);
        }
    }

    public RegistrationTable(int domid, int capacity, XenHeapAccount heap, RunMetrics metrics, Trace trace) {
        if (domid < 0) {
            throw new IllegalArgumentException("domid out of range: " + domid);
        }
        if (capacity < 1 || capacity > PpcMemref.MAX_INDEX) {
            throw new IllegalArgumentException("capacity out of range: " + capacity);
        }
        this.domid = domid;
        this.capacity = capacity;
        this.heap = requireNonNull(heap, "heap is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    public int domid() {
        return domid;
    }

    public int capacity() {
        return capacity;
    }

    /** Heap bytes a registration of {@code nrPages} pages is charged (its leaf aside). */
    public static long chargeFor(int nrPages) {
        return HEADER_BYTES + BYTES_PER_PAGE * nrPages;
    }

    /**
     * Registers the frames {@code gfns} (the hypervisor's own copy, already taken from the guest),
     * pinning each with {@code pin}; on failure drops the pins taken with {@code unpin}.
     *
     * @return the new bufid
     * @throws XenException EINVAL (no pages), E2BIG (too many pages), EFAULT (a frame not RAM of the
     *     domain), ENOSPC (table full, or index space spent by retired slots), ENOMEM (heap quota),
     *     ESRCH (domain being destroyed)
     */
    public long register(long[] gfns, LongPredicate pin, LongConsumer unpin) {
        if (gfns.length == 0) {
            throw new XenException(XenErrno.EINVAL, "registration of no pages");
        }
        if (gfns.length > PpcMemref.MAX_BUFFER_PAGES) {
            throw new XenException(XenErrno.E2BIG, "registration of " + gfns.length + " pages; at most " + PpcMemref.MAX_BUFFER_PAGES);
        }
        long[] snapshot = gfns.clone();
        int pinned = 0;
        try {
            for (; pinned < snapshot.length; pinned++) {
                if (snapshot[pinned] < 0 || !pin.test(snapshot[pinned])) {
                    throw new XenException(XenErrno.EFAULT,
                            "d" + domid + " does not hold frame 0x" + Long.toHexString(snapshot[pinned]) + " as RAM");
                }
            }
            BufferRegistration registration = publish(snapshot);
            pinned = -1;
            trace.event(TraceKind.REGISTRATION, domid, () -> "register " + registration);
            return registration.bufid();
        } finally {
            for (int i = 0; i < pinned; i++) {
                unpin.accept(snapshot[i]);
            }
        }
    }

    private BufferRegistration publish(long[] snapshot) {
        long charge = chargeFor(snapshot.length);
        synchronized (lock) {
            if (destroyed) {
                throw new XenException(XenErrno.ESRCH, "d" + domid + " is being destroyed");
            }
            if (live >= capacity) {
                throw new XenException(XenErrno.ENOSPC, "d" + domid + " registration table full (" + capacity + ")");
            }
            // Fresh slots up to the capacity first, then the oldest freed one, then fresh beyond
            // the capacity (only once retired slots left the free list short).
            boolean fresh = handedOut < capacity || freeHead == NONE;
            int index = fresh ? handedOut : freeHead;
            if (index >= PpcMemref.MAX_INDEX) {
                throw new XenException(XenErrno.ENOSPC, "d" + domid + " has retired every registration slot");
            }
            Leaf[] directory = leaves;
            int leafNumber = index >>> LEAF_BITS;
            boolean newLeaf = leafNumber >= directory.length || directory[leafNumber] == null;
            long total = charge + (newLeaf ? LEAF_HEAP_BYTES : 0);
            if (!heap.tryCharge(total)) {
                throw new XenException(XenErrno.ENOMEM, "d" + domid + " heap quota refuses " + total + " bytes");
            }
            Leaf leaf = newLeaf ? addLeaf(leafNumber) : directory[leafNumber];
            if (newLeaf) {
                // A leaf is the table's own, held until the domain is destroyed (its generations must
                // outlive the registrations): reported as reserved, never as left behind by a process.
                metrics.markReserved(Gauge.XEN_HEAP_BYTES, LEAF_HEAP_BYTES);
            }
            if (fresh) {
                handedOut = index + 1;
            } else {
                freeHead = leaf.nextFree[index & LEAF_MASK];
                if (freeHead == NONE) {
                    freeTail = NONE;
                }
            }
            int slot = index & LEAF_MASK;
            BufferRegistration registration = new BufferRegistration(PpcMemref.bufid(leaf.generations[slot], index), snapshot, charge);
            leaf.slots.set(slot, registration);
            heapCharged += total;
            live++;
            // Inside the lock, so the gauge never runs ahead of the table.
            metrics.increment(PpcMetrics.REGISTRATIONS);
            metrics.adjust(Gauge.REGISTRATIONS_LIVE, 1);
            return registration;
        }
    }

    // Caller holds lock and has charged the leaf.
    private Leaf addLeaf(int leafNumber) {
        Leaf[] directory = leaves;
        if (leafNumber >= directory.length) {
            int size = directory.length;
            while (size <= leafNumber) {
                size = Math.min(size * 2, MAX_LEAVES);
            }
            directory = Arrays.copyOf(directory, size);
        } else {
            directory = directory.clone();
        }
        Leaf leaf = new Leaf();
        directory[leafNumber] = leaf;
        leaves = directory;
        leafCount++;
        return leaf;
    }

    /**
     * Removes the registration {@code bufid} names and drops its pins with {@code unpin}.
     *
     * @throws XenException EINVAL (cannot be a bufid of this table, or offset bits), ENOENT (no live
     *     registration: stale or already unregistered)
     */
    public BufferRegistration unregister(long bufid, LongConsumer unpin) {
        BufferRegistration registration;
        synchronized (lock) {
            if (PpcMemref.offset(bufid) != 0 && !PpcMemref.isInline(bufid)) {
                throw new XenException(XenErrno.EINVAL, "bufid 0x" + Long.toHexString(bufid) + " has offset bits");
            }
            registration = find(bufid);
            release(registration);
        }
        dropPins(registration, unpin);
        BufferRegistration removed = registration;
        trace.event(TraceKind.REGISTRATION, domid, () -> "unregister " + removed);
        return registration;
    }

    /**
     * The live registration a registered reference ({@code bufid | offset}) names. Lock-free, O(1).
     *
     * @throws XenException EINVAL (cannot be a bufid of this table), ENOENT (stale or never issued)
     */
    public BufferRegistration lookup(long ref) {
        return find(ref);
    }

    private BufferRegistration find(long ref) {
        if (!PpcMemref.isInline(ref)) {
            int index = PpcMemref.index(ref);
            Leaf[] directory = leaves;
            int leafNumber = index >>> LEAF_BITS;
            if (leafNumber < directory.length) {
                Leaf leaf = directory[leafNumber];
                if (leaf != null) {
                    BufferRegistration registration = leaf.slots.get(index & LEAF_MASK);
                    if (registration != null && registration.bufid() == PpcMemref.bufidOf(ref)) {
                        return registration;
                    }
                }
            }
        }
        throw refusal(ref);
    }

    /** Why {@code ref} names no live registration: EINVAL if it cannot be a bufid here, else ENOENT. */
    private XenException refusal(long ref) {
        if (PpcMemref.isInline(ref)) {
            return new XenException(XenErrno.EINVAL, "inline reference is not a bufid");
        }
        long bufid = PpcMemref.bufidOf(ref);
        if (PpcMemref.generation(ref) == 0) {
            return new XenException(XenErrno.EINVAL, "bufid 0x" + Long.toHexString(bufid) + " has generation 0");
        }
        int index = PpcMemref.index(ref);
        if (index >= capacity && index >= handedOut) {
            return new XenException(XenErrno.EINVAL, "bufid index " + index + " beyond table of " + capacity);
        }
        return new XenException(XenErrno.ENOENT, "no registration 0x" + Long.toHexString(bufid) + " in d" + domid);
    }

    /** Whether {@code registration} is still the live one in its slot. Lock-free, O(1). */
    public boolean isLive(BufferRegistration registration) {
        int index = registration.index();
        Leaf[] directory = leaves;
        int leafNumber = index >>> LEAF_BITS;
        return leafNumber < directory.length && directory[leafNumber] != null
                && directory[leafNumber].slots.get(index & LEAF_MASK) == registration;
    }

    /**
     * Removes every registration (the domain is being destroyed), drops their pins and heap charges,
     * and releases the leaves. Later registrations are -ESRCH.
     */
    public void destroy(LongConsumer unpin) {
        List<BufferRegistration> removed = new ArrayList<>();
        synchronized (lock) {
            destroyed = true;
            for (Leaf leaf : leaves) {
                if (leaf == null) {
                    continue;
                }
                for (int i = 0; i < LEAF_SLOTS; i++) {
                    BufferRegistration registration = leaf.slots.get(i);
                    if (registration != null) {
                        release(registration);
                        removed.add(registration);
                    }
                }
            }
            long leafBytes = leafCount * LEAF_HEAP_BYTES;
            metrics.markReserved(Gauge.XEN_HEAP_BYTES, -leafBytes);
            heap.release(leafBytes);
            heapCharged -= leafBytes;
            leafCount = 0;
            leaves = new Leaf[1];
            freeHead = NONE;
            freeTail = NONE;
        }
        for (BufferRegistration registration : removed) {
            dropPins(registration, unpin);
        }
        trace.event(TraceKind.REGISTRATION, domid, () -> "destroy table: " + removed.size() + " registrations released");
    }

    /**
     * Live registrations, in slot order: a snapshot of one moment. Under the lock: a lock-free scan
     * could see a slot before it is freed and another after it is filled, listing registrations
     * that were never live together (Lincheck found it, see the registration tests).
     */
    public List<BufferRegistration> liveRegistrations() {
        List<BufferRegistration> result = new ArrayList<>();
        synchronized (lock) {
            for (Leaf leaf : leaves) {
                if (leaf == null) {
                    continue;
                }
                for (int i = 0; i < LEAF_SLOTS; i++) {
                    BufferRegistration registration = leaf.slots.get(i);
                    if (registration != null) {
                        result.add(registration);
                    }
                }
            }
        }
        return result;
    }

    public int liveCount() {
        synchronized (lock) {
            return live;
        }
    }

    /** Slots retired because their generation would have wrapped; never handed out again. */
    public int retiredSlots() {
        synchronized (lock) {
            return retired;
        }
    }

    /** Leaves made so far (each charged {@link #LEAF_HEAP_BYTES}). */
    public int leaves() {
        synchronized (lock) {
            return leafCount;
        }
    }

    /** Heap bytes this table holds, as its running account says. */
    public long heapCharged() {
        synchronized (lock) {
            return heapCharged;
        }
    }

    /** Heap bytes recounted from the leaves and live registrations themselves; equals {@link #heapCharged()}. */
    public long recountHeapBytes() {
        synchronized (lock) {
            long sum = 0;
            for (Leaf leaf : leaves) {
                if (leaf == null) {
                    continue;
                }
                sum += LEAF_HEAP_BYTES;
                for (int i = 0; i < LEAF_SLOTS; i++) {
                    BufferRegistration registration = leaf.slots.get(i);
                    if (registration != null) {
                        sum += registration.heapBytes();
                    }
                }
            }
            return sum;
        }
    }

    // Caller holds lock.
    private void release(BufferRegistration registration) {
        int index = registration.index();
        Leaf leaf = leaves[index >>> LEAF_BITS];
        int slot = index & LEAF_MASK;
        leaf.slots.set(slot, null);
        int next = PpcMemref.nextGeneration(leaf.generations[slot]);
        leaf.generations[slot] = next;
        if (next == PpcMemref.RETIRED) {
            retired++;
        } else {
            leaf.nextFree[slot] = NONE;
            if (freeTail == NONE) {
                freeHead = index;
            } else {
                leaves[freeTail >>> LEAF_BITS].nextFree[freeTail & LEAF_MASK] = index;
            }
            freeTail = index;
        }
        heap.release(registration.heapBytes());
        heapCharged -= registration.heapBytes();
        live--;
        metrics.increment(PpcMetrics.UNREGISTRATIONS);
        metrics.adjust(Gauge.REGISTRATIONS_LIVE, -1);
    }

    private static void dropPins(BufferRegistration registration, LongConsumer unpin) {
        for (int i = 0; i < registration.nrPages(); i++) {
            unpin.accept(registration.gfn(i));
        }
    }
}
