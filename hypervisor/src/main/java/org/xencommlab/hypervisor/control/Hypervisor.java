package org.xencommlab.hypervisor.control;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.hypervisor.console.ConsoleLog;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSnapshot;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.entry.HypercallEntry;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.FrameAccounting;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * The hypervisor as the composition root and the lab see it: domains are created and destroyed
 * here; guests reach it only through {@link #gate()}; the console, the Xen heap and the frame
 * accounting are read here.
 *
 * <pre>{@code
 * Hypervisor xen = injector.getInstance(Hypervisor.class);
 * xen.createDomain(DomainSpec.dom0(64 << 20));
 * xen.createDomain(DomainSpec.guest(1, 16 << 20).withMaxMemoryBytes(32 << 20));
 * long rc = xen.gate().hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, n, memref);
 * String text = xen.console().outputText(0);
 * xen.console().feedInput(0, bytes);
 * long heapOfDom1 = xen.heap().usedBy(1);
 * List<String> problems = xen.audit();   // empty when every count recounts exactly
 * }</pre>
 *
 * One per run (injector). Thread-safe.
 */
@Singleton
public final class Hypervisor {
    private final DomainTable domains;
    private final MachineMemory machine;
    private final XenHeap heap;
    private final ConsoleLog console;
    private final HypercallEntry entry;

    @Inject
    public Hypervisor(DomainTable domains, MachineMemory machine, XenHeap heap, ConsoleLog console, HypercallEntry entry) {
        this.domains = requireNonNull(domains, "domains is null");
        this.machine = requireNonNull(machine, "machine is null");
        this.heap = requireNonNull(heap, "heap is null");
        this.console = requireNonNull(console, "console is null");
        this.entry = requireNonNull(entry, "entry is null");
    }

    /**
     * Creates a domain with its initial memory populated (guest frames from 0), its vCPUs and the
     * arch's per-domain state, and a fresh console. All or nothing.
     *
     * @throws org.xencommlab.api.errno.XenException EINVAL for a bad spec, EEXIST if the domid is
     *     taken, ENOMEM if machine memory is short, or what the arch backend refused with
     */
    public DomainSnapshot createDomain(DomainSpec spec) {
        synchronized (domains) {
            Domain domain = domains.create(spec);
            console.reset(domain.domid());
            return info(domain);
        }
    }

    /**
     * Destroys a domain and releases everything it holds: the arch's per-domain state (through the
     * backend's teardown), every frame (scrubbed), every heap charge. Its console output stays
     * readable.
     *
     * @return false if there is no such live domain
     */
    public boolean destroyDomain(int domid) {
        return domains.destroy(domid);
    }

    /** Information on live domain {@code domid}. */
    public Optional<DomainSnapshot> domainSnapshot(int domid) {
        Domain domain = domains.lookup(domid);
        return domain == null ? Optional.empty() : Optional.of(info(domain));
    }

    /** Information on every live domain, in domid order. */
    public List<DomainSnapshot> domains() {
        List<DomainSnapshot> result = new ArrayList<>();
        for (Domain domain : domains.domains()) {
            result.add(info(domain));
        }
        return result;
    }

    /** The hypercall instruction, page-table base register and memory bus guests use. */
    public HypervisorGate gate() {
        return entry;
    }

    /** The console: output per domain, input to feed. */
    public ConsoleLog console() {
        return console;
    }

    /** The Xen heap: {@code used()}, {@code usedBy(domid)}, {@code usage()}, {@code reclaimed()}. */
    public XenHeap heap() {
        return heap;
    }

    /** The machine's frame accounting now. */
    public FrameAccounting frames() {
        return new FrameAccounting(machine.frameCount(), machine.freeFrames(), machine.allocatedFrames(),
                machine.backedFrames(), machine.scrubbedFrames(), domains.leakedPins());
    }

    /** Frames domain {@code domid} owns, recounted from the machine's ownership table. */
    public long framesOwnedBy(int domid) {
        return machine.countOwnedBy(domid);
    }

    /**
     * Recounts the hypervisor's accounting from its tables (p2m against {@code tot_pages} and frame
     * ownership, pins against frame references, free frames against unreferenced ones, heap
     * accounts against the heap's total).
     *
     * @return each inconsistency; empty when everything recounts exactly
     */
    public List<String> audit() {
        return domains.auditFrames();
    }

    /** Handler failures the hypercall entry contained (bugs, never guest errors), since boot. */
    public long containedFailures() {
        return entry.containedFailures() + domains.teardownFailures();
    }

    private DomainSnapshot info(Domain d) {
        return new DomainSnapshot(d.domid(), d.isPrivileged(), d.vcpuCount(), d.totPages(), d.maxPages(), d.pinnedFrames(),
                d.dirtyLog().dirtyPages(), d.heap().used());
    }
}
