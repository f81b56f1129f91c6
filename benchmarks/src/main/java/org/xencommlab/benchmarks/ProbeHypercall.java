package org.xencommlab.benchmarks;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.function.ToLongFunction;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.entry.HypercallEntry;

/**
 * A second hypercall entry over a wired machine's own domain table, whose only handler runs one
 * measured action with the real {@link HypercallContext} of the entry: the same
 * {@code EntryContext}, the same {@code GuestAccess} (Xen's {@code copy_from_guest}), the same
 * arch {@code GuestHandleResolver}, scheduler, metrics and trace as every handler of the machine
 * gets. It is how a benchmark reaches the copy path and the arch's translation directly, with
 * nothing of a particular hypercall's argument decoding or chunking in the way.
 *
 * <p>It changes nothing in the machine's own dispatch table: the guests' gate stays exactly as the
 * lab wires it. The action must return what a handler may return (0 or more, or a Xen errno);
 * anything else is contained by the entry as a handler bug, and {@link #call} refuses it.
 */
final class ProbeHypercall {
    /** The number the probe answers to, in its own entry (an arch slot no guest uses here). */
    static final int OP = HypercallNumber.ARCH_7;

    private final HypervisorGate entry;
    private final int domid;
    private final int vcpu;
    private ToLongFunction<HypercallContext> action = context -> 0;

    ProbeHypercall(WiredRun run, int domid, int vcpu) {
        this.domid = domid;
        this.vcpu = vcpu;
        HypercallHandler handler = (context, args) -> action.applyAsLong(context);
        this.entry = new HypercallEntry(Map.of(OP, handler), run.instance(DomainTable.class), run.resolver(),
                run.machine().metrics(), run.machine().trace(), run.machine().scheduler(),
                run.instance(HypervisorConfig.class));
    }

    /** Sets what the next calls run inside the hypervisor. */
    void action(ToLongFunction<HypercallContext> newAction) {
        this.action = requireNonNull(newAction, "newAction is null");
    }

    /** Enters the hypervisor once and runs the action; returns its result. */
    long call() {
        return entry.hypercall(domid, vcpu, OP);
    }
}
