package org.xencommlab.hypervisor.domain;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.heap.DomainHeapAccount;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * The machine's domains, by domid (an array: O(1) lookup, iteration in domid order), and their
 * life cycle: creation with an initial memory and reservation, destruction that releases
 * everything the domain holds.
 *
 * <p>Creation and destruction are serialised (as Xen's domain list lock does); lookups are
 * lock-free. A domain is visible only once it is complete, and stops answering hypercalls as soon
 * as its destruction begins.
 */
@Singleton
public final class DomainTable {
    /** The first domid that names no ordinary domain ({@code DOMID_FIRST_RESERVED}). */
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;

    private final AtomicReferenceArray<Domain> domains = new AtomicReferenceArray<>(DOMID_FIRST_RESERVED);
    private final MachineMemory machine;
    private final XenHeap heap;
    private final RunMetrics metrics;
    private final HypervisorConfig config;
    private final GuestHandleResolver resolver;
    private final AtomicLong leakedPins = new AtomicLong();
    private final AtomicLong teardownFailures = new AtomicLong();
    /**
     * One more than the highest domid whose slot is set (0 when none is): slots at or above it are
     * empty, so {@link #domains()} reads only the slots below it. Written under this table's lock,
     * raised before a domain becomes visible and lowered after its slot is cleared.
     */
    private volatile int highWater;

    @Inject
    public DomainTable(MachineMemory machine, XenHeap heap, RunMetrics metrics, HypervisorConfig config,
            GuestHandleResolver resolver) {
        this.machine = requireNonNull(machine, "machine is null");
        this.heap = requireNonNull(heap, "heap is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.config = requireNonNull(config, "config is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
    }

    /** The live domain {@code domid}, or null (no such domain, out of range, or dying). */
    public Domain lookup(long domid) {
        if (domid < 0 || domid >= DOMID_FIRST_RESERVED) {
            return null;
        }
        Domain domain = domains.get((int) domid);
        return domain == null || domain.isDying() ? null : domain;
    }

    /** Live domains in domid order. */
    public List<Domain> domains() {
        List<Domain> result = new ArrayList<>();
        for (int i = 0, end = highWater; i < end; i++) {
            Domain domain = domains.get(i);
            if (domain != null && !domain.isDying()) {
                result.add(domain);
            }
        }
        return result;
    }

    /**
     * Creates a domain: opens its heap account, populates its initial memory, makes the arch's
     * per-domain state ({@link GuestHandleResolver#createDomainState}, once). All or nothing: if
     * the arch refuses, the memory and the account are released and no state exists.
     *
     * @throws XenException EINVAL for a bad spec, EEXIST if the domid is taken, ENOMEM if machine
     *     memory is short, or what the arch backend refused with
     */
    public synchronized Domain create(DomainSpec spec) {
        requireNonNull(spec, "spec is null");
        PageSize pageSize = machine.pageSize();
        if (spec.domid() < 0 || spec.domid() >= DOMID_FIRST_RESERVED) {
            throw new XenException(XenErrno.EINVAL, "domid " + spec.domid() + " out of range");
        }
        if (spec.vcpus() < 1 || spec.vcpus() > config.maxVcpus()) {
            throw new XenException(XenErrno.EINVAL, spec.vcpus() + " vCPUs, allowed 1.." + config.maxVcpus());
        }
        if (spec.memoryBytes() < 0 || spec.maxMemoryBytes() < spec.memoryBytes()
                || spec.maxMemoryBytes() > (long) Integer.MAX_VALUE << pageSize.shift()) {
            throw new XenException(XenErrno.EINVAL, "memory " + spec.memoryBytes() + " / max " + spec.maxMemoryBytes());
        }
        if (domains.get(spec.domid()) != null) {
            throw new XenException(XenErrno.EEXIST, "d" + spec.domid() + " exists");
        }
        long pages = pageSize.pagesFor(spec.memoryBytes());
        long maxPages = pageSize.pagesFor(spec.maxMemoryBytes());
        DomainHeapAccount account = heap.openAccount(spec.domid());
        Domain domain = new Domain(spec.domid(), spec.privileged(), spec.vcpus(), maxPages, maxPages, machine,
                account, metrics, config.maxExtentOrder());
        try {
            domain.populateInitial(pages);
            DomainArchState state = resolver.createDomainState(spec.domid(), account);
            if (state == null) {
                throw new IllegalStateException("the arch backend made no state for d" + spec.domid());
            }
            domain.setArchState(state);
        } catch (RuntimeException e) {
            domain.releaseAllFrames();
            heap.closeAccount(account);
            throw e;
        }
        highWater = Math.max(highWater, spec.domid() + 1);
        domains.set(spec.domid(), domain);
        return domain;
    }

    /**
     * Destroys a domain: it stops answering hypercalls, the arch backend's state of it is
     * released exactly once ({@link DomainArchState#release}: unpinning frames, releasing heap
     * charges), then every frame is freed and scrubbed and what is left on its heap account is
     * reclaimed.
     *
     * @return false if there is no such live domain
     */
    public synchronized boolean destroy(int domid) {
        Domain domain = lookup(domid);
        if (domain == null) {
            return false;
        }
        domain.markDying();
        DomainArchState state = domain.archState();
        try {
            // Exactly once: a domain is destroyed once (it is dying from here, and lookup no
            // longer finds it), and its state was made before the domain became visible.
            state.release(new DomainTeardown() {
                @Override
                public void unpinFrame(long gfn) {
                    domain.unpinFrame(gfn);
                }

                @Override
                public DomainHeapAccount heap() {
                    return domain.heap();
                }
            });
        } catch (RuntimeException e) {
            // The backend's bug must not stop the domain's memory from being released.
            teardownFailures.incrementAndGet();
        }
        leakedPins.addAndGet(domain.releaseAllFrames());
        heap.closeAccount(domain.heap());
        domains.set(domid, null);
        int top = highWater;
        while (top > 0 && domains.get(top - 1) == null) {
            top--;
        }
        highWater = top;
        return true;
    }

    /** Pins still held on frames of destroyed domains when they were freed (leaks), since boot. */
    public long leakedPins() {
        return leakedPins.get();
    }

    /** Arch teardowns that threw (backend bugs), since boot. */
    public long teardownFailures() {
        return teardownFailures.get();
    }

    /**
     * Recounts frame accounting from the tables: each domain's own audit, frames owned per domain
     * against {@code tot_pages}, free frames against unreferenced ones, the heap's accounts against
     * its total, and the gauges {@code PINNED_FRAMES} and {@code XEN_HEAP_BYTES} against the pins
     * the domains hold and the heap's total.
     *
     * @return each inconsistency found; empty when the accounting is exact
     */
    public synchronized List<String> auditFrames() {
        List<String> problems = new ArrayList<>();
        long owned = 0;
        long pinned = 0;
        List<Domain> live = domains();
        int[] domids = new int[live.size()];
        for (int i = 0; i < domids.length; i++) {
            domids[i] = live.get(i).domid();
        }
        // One pass over the frame table for every domain's count (domids ascend: domid order).
        int[] ownedBy = machine.countOwnedByEach(domids);
        for (int i = 0; i < domids.length; i++) {
            Domain domain = live.get(i);
            problems.addAll(domain.audit());
            for (String problem : domain.archState().audit()) {
                problems.add(domain + " backend: " + problem);
            }
            pinned += domain.pinnedFrames();
            int byOwner = ownedBy[i];
            if (byOwner != domain.totPages()) {
                problems.add(domain + " owns " + byOwner + " frames but tot_pages is " + domain.totPages());
            }
            owned += byOwner;
        }
        if (owned != machine.allocatedFrames()) {
            problems.add("domains own " + owned + " frames but " + machine.allocatedFrames() + " are allocated");
        }
        if (machine.countUnreferenced() != machine.freeFrames()) {
            problems.add(machine.countUnreferenced() + " frames unreferenced but " + machine.freeFrames() + " free");
        }
        if (!heap.isConsistent()) {
            problems.add("Xen heap accounts do not sum to its total: " + heap.usage() + " vs " + heap.used());
        }
        // The gauges the hypervisor reports must follow its tables (the hypervisor alone moves them).
        if (metrics.current(Gauge.PINNED_FRAMES) != pinned) {
            problems.add("gauge PINNED_FRAMES is " + metrics.current(Gauge.PINNED_FRAMES) + " but domains pin " + pinned + " frames");
        }
        if (metrics.current(Gauge.XEN_HEAP_BYTES) != heap.used()) {
            problems.add("gauge XEN_HEAP_BYTES is " + metrics.current(Gauge.XEN_HEAP_BYTES) + " but the heap holds " + heap.used());
        }
        return problems;
    }
}
