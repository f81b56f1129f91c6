package org.xencommlab.arch.ppc.registration;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongPredicate;
import java.util.function.LongConsumer;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * One domain's registered buffers, in the hypervisor: a bounded table of slots, each holding a
 * {@link BufferRegistration} or nothing. The mail's Problem #1 is why it is a table: a tool and the
 * balloon driver register and unregister in any interleaving, so the hypervisor tracks many
 * registrations per domain and each reference names its own ({@code bufid | offset}, see
 * {@link PpcMemref}).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Bounded: at most {@code capacity} live registrations; one more is -ENOSPC (as Xen's
 *       {@code get_free_port} when the event-channel table is full).</li>
 *   <li>Charged: each registration charges {@link #HEADER_BYTES} + {@link #BYTES_PER_PAGE} per page
 *       (Xen's {@code xmalloc} of a header and the frame list) to the domain's heap account; a
 *       refused charge is -ENOMEM. {@link #heapCharged()} always equals
 *       {@link #recountHeapBytes()}, the sum over live registrations.</li>
 *   <li>Pinned: every frame of a registration is pinned before it is published and unpinned after
 *       it is removed; if any frame cannot be pinned (not RAM of the domain) the pins taken are
 *       dropped and the result is -EFAULT, with nothing else changed.</li>
 *   <li>Generations: unregistering advances the slot's generation, so a stale bufid is -ENOENT,
 *       never another buffer. A bufid that cannot be valid in this table (inline flag, another
 *       domain's domid, generation 0, index beyond the table, offset bits in an unregister) is
 *       -EINVAL. A second unregistration of the same bufid is -ENOENT.</li>
 *   <li>Thread-safe: changes happen under one lock; lookups read a published slot without locking
 *       (a slot is an immutable {@link BufferRegistration}), in O(1).</li>
 * </ul>
 */
public final class RegistrationTable {
    /** Heap bytes per registration besides its frame list: bufid, page count, list head, lock. */
    public static final long HEADER_BYTES = 64;
    /** Heap bytes per registered page: one 64-bit frame number. */
    public static final long BYTES_PER_PAGE = 8;

    private final int domid;
    private final int capacity;
    private final XenHeapAccount heap;
    private final RunMetrics metrics;
    private final Trace trace;
    private final AtomicReferenceArray<BufferRegistration> slots;

    private final Object lock = new Object();
    // Guarded by lock.
    private final int[] generations;
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private long heapCharged;
    private int live;
    private boolean destroyed;

    public RegistrationTable(int domid, int capacity, XenHeapAccount heap, RunMetrics metrics, Trace trace) {
        if (domid < 0 || domid > PpcMemref.MAX_DOMID) {
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
        this.slots = new AtomicReferenceArray<>(capacity);
        this.generations = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            generations[i] = 1;
            freeSlots.add(i);
        }
    }

    public int domid() {
        return domid;
    }

    public int capacity() {
        return capacity;
    }

    /** Heap bytes a registration of {@code nrPages} pages is charged. */
    public static long chargeFor(int nrPages) {
        return HEADER_BYTES + BYTES_PER_PAGE * nrPages;
    }

    /**
     * Registers the frames {@code gfns} (the hypervisor's own copy, already taken from the guest),
     * pinning each with {@code pin}; on failure drops the pins taken with {@code unpin}.
     *
     * @return the new bufid
     * @throws XenException EINVAL (no pages, too many pages), EFAULT (a frame not RAM of the
     *     domain), ENOSPC (table full), ENOMEM (heap quota), ESRCH (domain being destroyed)
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
            Integer index = freeSlots.peekFirst();
            if (index == null) {
                throw new XenException(XenErrno.ENOSPC, "d" + domid + " registration table full (" + capacity + ")");
            }
            if (!heap.tryCharge(charge)) {
                throw new XenException(XenErrno.ENOMEM, "d" + domid + " heap quota refuses " + charge + " bytes");
            }
            freeSlots.pollFirst();
            BufferRegistration registration =
                    new BufferRegistration(PpcMemref.bufid(generations[index], domid, index), snapshot, charge);
            slots.set(index, registration);
            heapCharged += charge;
            live++;
            // Inside the lock, so the gauge never runs ahead of the table.
            metrics.increment(Counter.REGISTRATIONS);
            metrics.adjust(Gauge.REGISTRATIONS_LIVE, 1);
            return registration;
        }
    }

    /**
     * Removes the registration {@code bufid} names and drops its pins with {@code unpin}.
     *
     * @throws XenException EINVAL (not a bufid of this domain), ENOENT (no live registration: stale
     *     or already unregistered)
     */
    public BufferRegistration unregister(long bufid, LongConsumer unpin) {
        BufferRegistration registration;
        synchronized (lock) {
            checkWellFormed(bufid);
            if (PpcMemref.offset(bufid) != 0) {
                throw new XenException(XenErrno.EINVAL, "bufid 0x" + Long.toHexString(bufid) + " has offset bits");
            }
            int index = PpcMemref.index(bufid);
            registration = slots.get(index);
            if (registration == null || registration.bufid() != bufid) {
                throw new XenException(XenErrno.ENOENT, "no registration 0x" + Long.toHexString(bufid) + " in d" + domid);
            }
            release(index, registration);
        }
        dropPins(registration, unpin);
        BufferRegistration removed = registration;
        trace.event(TraceKind.REGISTRATION, domid, () -> "unregister " + removed);
        return registration;
    }

    /**
     * The live registration a registered reference ({@code bufid | offset}) names. Lock-free, O(1).
     *
     * @throws XenException EINVAL (cannot be a bufid of this domain), ENOENT (stale or never issued)
     */
    public BufferRegistration lookup(long ref) {
        checkWellFormed(ref);
        BufferRegistration registration = slots.get(PpcMemref.index(ref));
        if (registration == null || registration.bufid() != PpcMemref.bufidOf(ref)) {
            throw new XenException(XenErrno.ENOENT, "no registration 0x" + Long.toHexString(PpcMemref.bufidOf(ref)) + " in d" + domid);
        }
        return registration;
    }

    /** Whether {@code registration} is still the live one in its slot. Lock-free, O(1). */
    public boolean isLive(BufferRegistration registration) {
        return slots.get(registration.index()) == registration;
    }

    /**
     * Removes every registration (the domain is being destroyed), drops their pins and heap charges.
     * Later registrations are -ESRCH.
     */
    public void destroy(LongConsumer unpin) {
        List<BufferRegistration> removed = new ArrayList<>();
        synchronized (lock) {
            destroyed = true;
            for (int i = 0; i < capacity; i++) {
                BufferRegistration registration = slots.get(i);
                if (registration != null) {
                    release(i, registration);
                    removed.add(registration);
                }
            }
        }
        for (BufferRegistration registration : removed) {
            dropPins(registration, unpin);
        }
        trace.event(TraceKind.REGISTRATION, domid, () -> "destroy table: " + removed.size() + " registrations released");
    }

    /** Live registrations, in slot order. */
    public List<BufferRegistration> liveRegistrations() {
        List<BufferRegistration> result = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            BufferRegistration registration = slots.get(i);
            if (registration != null) {
                result.add(registration);
            }
        }
        return result;
    }

    public int liveCount() {
        synchronized (lock) {
            return live;
        }
    }

    /** Heap bytes this table holds, as its running account says. */
    public long heapCharged() {
        synchronized (lock) {
            return heapCharged;
        }
    }

    /** Heap bytes recounted from the live registrations themselves; equals {@link #heapCharged()}. */
    public long recountHeapBytes() {
        synchronized (lock) {
            long sum = 0;
            for (int i = 0; i < capacity; i++) {
                BufferRegistration registration = slots.get(i);
                if (registration != null) {
                    sum += registration.heapBytes();
                }
            }
            return sum;
        }
    }

    private void checkWellFormed(long ref) {
        if (PpcMemref.isInline(ref)) {
            throw new XenException(XenErrno.EINVAL, "inline reference is not a bufid");
        }
        if (PpcMemref.domid(ref) != domid) {
            throw new XenException(XenErrno.EINVAL,
                    "bufid 0x" + Long.toHexString(PpcMemref.bufidOf(ref)) + " belongs to d" + PpcMemref.domid(ref) + ", not d" + domid);
        }
        if (PpcMemref.generation(ref) == 0) {
            throw new XenException(XenErrno.EINVAL, "bufid 0x" + Long.toHexString(PpcMemref.bufidOf(ref)) + " has generation 0");
        }
        if (PpcMemref.index(ref) >= capacity) {
            throw new XenException(XenErrno.EINVAL, "bufid index " + PpcMemref.index(ref) + " beyond table of " + capacity);
        }
    }

    // Caller holds lock.
    private void release(int index, BufferRegistration registration) {
        slots.set(index, null);
        generations[index] = PpcMemref.nextGeneration(generations[index]);
        freeSlots.addLast(index);
        heap.release(registration.heapBytes());
        heapCharged -= registration.heapBytes();
        live--;
        metrics.increment(Counter.UNREGISTRATIONS);
        metrics.adjust(Gauge.REGISTRATIONS_LIVE, -1);
    }

    private static void dropPins(BufferRegistration registration, LongConsumer unpin) {
        for (int i = 0; i < registration.nrPages(); i++) {
            unpin.accept(registration.gfn(i));
        }
    }
}
