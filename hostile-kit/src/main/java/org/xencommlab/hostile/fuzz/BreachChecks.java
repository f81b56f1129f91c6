package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.hypervisor.domain.DirtyLog;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;

/**
 * What must hold after every hostile call; the first thing that does not is a {@link Breach}:
 * <ul>
 *   <li>{@code result}: the call returned a result or a Xen errno, nothing else;</li>
 *   <li>{@code resolution}: every address the arch's regions resolved during the call lay in the
 *       calling domain's RAM ({@link ResolutionCheck});</li>
 *   <li>{@code contained-failure}: no handler or teardown threw (the entry contains it and counts it);</li>
 *   <li>{@code privilege}: an unprivileged attacker's sysctl or dm_op was refused;</li>
 *   <li>{@code audit}: {@link Hypervisor#audit()} is empty;</li>
 *   <li>{@code backend-recount}: every backend's own recount agrees with its charges (ppc's
 *       registration table: heap charged equals heap recounted from its leaves and registrations);</li>
 *   <li>{@code quota}: no domain's Xen heap use is above its quota, and the heap is within its budget;</li>
 *   <li>{@code canary-changed}: every honest canary byte is as it was, and (unprivileged attacker)
 *       every honest domain owns the frames it owned;</li>
 *   <li>{@code canary-leaked}: no frame the hypervisor wrote in the attacker's memory during the
 *       call, and no byte it printed on the attacker's console, holds the canary tag;</li>
 *   <li>{@code honest-workload}: the honest domains' own calls still do what they should.</li>
 * </ul>
 * At the end of a session, {@code leak-at-exit} is the world's ({@link FuzzWorld#end}).
 */
public final class BreachChecks {
    private final Hypervisor xen;
    private final DomainTable domains;
    private final PageSize pageSize;
    private final List<HonestDomain> honest;
    private final int attacker;
    private final boolean privileged;
    private final long tag;
    private long failures;
    private long consoleBytes;
    private final boolean[] honestTouched;
    private final ResolutionCheck resolution;

    BreachChecks(Hypervisor xen, DomainTable domains, PageSize pageSize, List<HonestDomain> honest, int attacker,
            boolean privileged, long tag, ResolutionCheck resolution) {
        this.xen = requireNonNull(xen, "xen is null");
        this.resolution = requireNonNull(resolution, "resolution is null");
        this.domains = requireNonNull(domains, "domains is null");
        this.pageSize = pageSize;
        this.honest = List.copyOf(honest);
        this.attacker = attacker;
        this.privileged = privileged;
        this.tag = tag;
        this.failures = xen.containedFailures();
        this.consoleBytes = xen.console().bytesWritten(attacker);
        this.honestTouched = new boolean[honest.size()];
        this.p2mAtSetUp = new long[honest.size()][];
        for (int i = 0; i < honest.size(); i++) {
            p2mAtSetUp[i] = p2m(honest.get(i).domid());
        }
    }

    private final long[][] p2mAtSetUp;

    /** Domain {@code domid}'s p2m now: the machine frame of each gfn, -1 where it is not RAM. */
    private long[] p2m(int domid) {
        Domain domain = domains.lookup(domid);
        if (domain == null) {
            return new long[0];
        }
        long[] mfns = new long[(int) domain.physmapFrames()];
        for (int gfn = 0; gfn < mfns.length; gfn++) {
            mfns[gfn] = domain.mfnOf(gfn);
        }
        return mfns;
    }

    /**
     * Whether a privileged attacker has changed honest domain {@code i}'s memory (taken or
     * replaced a frame, as Xen lets dom0 do): then that domain's canaries and workload are no
     * longer held against the hypervisor. Always false for an unprivileged attacker.
     */
    boolean takenByPrivilegedAttacker(int i) {
        if (!privileged) {
            return false;
        }
        if (!honestTouched[i]) {
            HonestDomain h = honest.get(i);
            honestTouched[i] = xen.framesOwnedBy(h.domid()) != h.framesOwned()
                    || !java.util.Arrays.equals(p2m(h.domid()), p2mAtSetUp[i]);
        }
        return honestTouched[i];
    }

    /** Forgets what the attacker's own set-up wrote, so that a call's writes can be told apart. */
    void beforeCall() {
        Domain domain = domains.lookup(attacker);
        if (domain != null) {
            domain.dirtyLog().clean();
        }
    }

    /** Checks everything after call {@code index}; empty when all holds. */
    Optional<Breach> afterCall(long index, HostileCall call) {
        long result = call.result();
        if (result < 0 && XenErrno.fromResult(result).isEmpty()) {
            return breach(index, "result", "returned " + result + ", neither a result nor a Xen errno");
        }
        Optional<Breach> resolved = resolutions(index);
        if (resolved.isPresent()) {
            return resolved;
        }
        long nowFailures = xen.containedFailures();
        if (nowFailures != failures) {
            failures = nowFailures;
            return breach(index, "contained-failure", "a handler or teardown threw (" + nowFailures + " since boot)");
        }
        if (!privileged && result >= 0 && (call.op() == HypercallNumber.SYSCTL || call.op() == HypercallNumber.DM_OP)) {
            return breach(index, "privilege", "an unprivileged domain's " + HypercallNumber.name(call.op()) + " returned " + result);
        }
        Optional<Breach> leak = leaks(index);
        if (leak.isPresent()) {
            return leak;
        }
        return state(index);
    }

    /** A {@code resolution} breach if the arch resolved an address outside the calling domain's RAM since last asked. */
    Optional<Breach> resolutions(long index) {
        return resolution.take().map(what -> new Breach(index, "resolution", what));
    }

    /** The checks that do not depend on a call: audit, recounts, quotas, canaries. */
    Optional<Breach> state(long index) {
        List<String> audit = xen.audit();
        if (!audit.isEmpty()) {
            return breach(index, "audit", String.join("; ", audit));
        }
        for (String problem : backendRecounts()) {
            return breach(index, "backend-recount", problem);
        }
        if (xen.heap().used() > xen.heap().budget()) {
            return breach(index, "quota", "Xen heap holds " + xen.heap().used() + " bytes, budget " + xen.heap().budget());
        }
        for (var entry : xen.heap().usage().entrySet()) {
            if (entry.getValue() > xen.heap().domainQuota()) {
                return breach(index, "quota", "domain " + entry.getKey() + " holds " + entry.getValue()
                        + " heap bytes, quota " + xen.heap().domainQuota());
            }
        }
        for (int i = 0; i < honest.size(); i++) {
            HonestDomain h = honest.get(i);
            boolean owns = xen.framesOwnedBy(h.domid()) == h.framesOwned();
            if (!owns && !privileged) {
                return breach(index, "canary-changed", "domain " + h.domid() + " owns " + xen.framesOwnedBy(h.domid())
                        + " frames, not its " + h.framesOwned());
            }
            // A privileged attacker may take an honest domain's memory (Xen lets dom0 do so); its
            // canaries are then checked no more, but what reaches the attacker still is.
            honestTouched[i] |= !owns;
            if (!honestTouched[i]) {
                Optional<String> canary = h.checkCanaries();
                if (canary.isPresent() && !takenByPrivilegedAttacker(i)) {
                    return breach(index, "canary-changed", canary.get());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Breach> leaks(long index) {
        Domain domain = domains.lookup(attacker);
        if (domain != null) {
            byte[] frame = new byte[pageSize.bytes()];
            // Only the frames written during the call: the dirty log's set bits, in gfn order (the
            // log covers exactly the physmap, so these are the gfns a scan of the physmap would test).
            DirtyLog log = domain.dirtyLog();
            for (long gfn = log.nextDirty(0); gfn >= 0; gfn = log.nextDirty(gfn + 1)) {
                if (domain.isRam(gfn)) {
                    domain.memory().read(pageSize.addressOf(gfn), frame, 0, frame.length);
                    int at = Canary.find(tag, frame, 0, frame.length);
                    if (at >= 0) {
                        return breach(index, "canary-leaked", "the attacker's gfn 0x" + Long.toHexString(gfn)
                                + " holds an honest canary at byte " + at);
                    }
                }
            }
        }
        long written = xen.console().bytesWritten(attacker);
        if (written != consoleBytes) {
            byte[] output = xen.console().output(attacker);
            int fresh = (int) Math.min(output.length, written - consoleBytes);
            consoleBytes = written;
            int at = Canary.find(tag, output, Math.max(0, output.length - fresh - 7), output.length);
            if (at >= 0) {
                return breach(index, "canary-leaked", "the attacker's console holds an honest canary");
            }
        }
        return Optional.empty();
    }

    /** Each backend's recount against its charges, for every live domain ({@code DomainArchState.audit}). */
    List<String> backendRecounts() {
        List<String> problems = new ArrayList<>();
        for (Domain domain : domains.domains()) {
            for (String problem : domain.archState().audit()) {
                problems.add("d" + domain.domid() + " " + problem);
            }
        }
        return problems;
    }

    /** How many honest domains a privileged attacker took memory from (their canaries are no longer checked). */
    int honestDomainsTouched() {
        int n = 0;
        for (boolean touched : honestTouched) {
            n += touched ? 1 : 0;
        }
        return n;
    }

    private static Optional<Breach> breach(long index, String kind, String detail) {
        return Optional.of(new Breach(index, kind, detail));
    }
}
