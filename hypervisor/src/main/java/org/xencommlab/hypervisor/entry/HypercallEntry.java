package org.xencommlab.hypervisor.entry;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.domain.Vcpu;

/**
 * The hypercall entry: the trust boundary between guests and the hypervisor.
 *
 * <p>{@link #hypercall} checks, in this order, and fails with:
 * <ul>
 *   <li>more than five argument words: -EINVAL (missing words read as 0);</li>
 *   <li>a domid with no live domain: -ESRCH (Xen's errno for "no such domain");</li>
 *   <li>a vCPU the domain does not have: -EINVAL (as Xen's vCPU operations do for a vCPU id out
 *       of range);</li>
 *   <li>a hypercall number that is negative, at or above {@link HypercallNumber#TABLE_SIZE}, or
 *       has no handler: -ENOSYS.</li>
 * </ul>
 * Then it dispatches through an array indexed by hypercall number; a number the array leaves
 * empty goes to the calling domain's arch state
 * ({@link org.xencommlab.api.xencomm.DomainArchState#hypercall}), which serves the arch's own
 * hypercalls bound to that domain's state. A handler's
 * {@link XenException} becomes its errno. Any other {@link RuntimeException} is a bug in a
 * handler: it is contained, counted ({@link #containedFailures()}), traced as a fault, and the
 * call returns -EINVAL; handlers validate before they change state, so it leaves nothing
 * half-changed. A negative result that is not a Xen errno is treated the same way. JVM errors
 * ({@link Error}) are not contained.
 *
 * <p>Continuations: a handler that calls
 * {@link org.xencommlab.api.hypercall.HypercallContext#createContinuation} is re-entered, inside
 * this call, with the rewritten number and arguments, as the vCPU re-executing the hypercall
 * instruction would be: {@code CONTINUATION} is reached, {@code CONTINUATIONS} and
 * {@code HYPERVISOR_ENTRIES} count one more, {@code HYPERCALL_ENTRY} is reached, and the checks
 * above apply again (a domain destroyed meanwhile gives -ESRCH). {@code HYPERCALLS} counts once per
 * call.
 *
 * <p><b>Work budget.</b> One guest hypercall may spend at most
 * {@link HypervisorConfig#workBudget()} units of simulated hypervisor time: one unit per entry
 * (the call's and each continuation's) and one per preemption poll (a handler polls once per unit
 * of work). When a continuation would begin with the budget spent, the call ends with -EBUSY
 * instead: the work done so far stays done (as after any continuation), the continuation's words
 * are dropped, a {@code FAULT} trace event says why, and {@link #budgetStops()} counts it. This is
 * the guest's doing (a huge count, a call list aliased over one page), an ordinary result the
 * guest sees; it is not a handler bug and is not counted in {@link #containedFailures()}. Xen has
 * no such bound (a guest's continuations run on its own vCPU time); the lab has one so that a
 * hostile guest cannot hold a run for minutes. Beyond the configured most continuations (a handler
 * that continues without doing work, which the budget does not catch first) the call stops as a
 * contained handler bug.
 *
 * <p>Every negative final result is recorded with {@link RunMetrics#recordError}; every call and
 * continuation is traced.
 */
@Singleton
public final class HypercallEntry implements HypervisorGate {
    /** The most argument words a hypercall takes. */
    public static final int MAX_ARGS = 5;

    private final HypercallHandler[] table = new HypercallHandler[HypercallNumber.TABLE_SIZE];
    private final DomainTable domains;
    private final GuestHandleResolver resolver;
    private final RunMetrics metrics;
    private final Trace trace;
    private final Scheduler scheduler;
    private final HypervisorConfig config;
    private final AtomicLong containedFailures = new AtomicLong();
    private final AtomicLong budgetStops = new AtomicLong();

    @Inject
    public HypercallEntry(Map<Integer, HypercallHandler> handlers, DomainTable domains, GuestHandleResolver resolver,
            RunMetrics metrics, Trace trace, Scheduler scheduler, HypervisorConfig config) {
        handlers.forEach((op, handler) -> {
            if (op == null || op < 0 || op >= HypercallNumber.TABLE_SIZE) {
                throw new IllegalArgumentException("hypercall number " + op + " is outside the dispatch table");
            }
            table[op] = requireNonNull(handler, "handler is null");
        });
        this.domains = requireNonNull(domains, "domains is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public long hypercall(int domid, int vcpu, long op, long... args) {
        long[] before = metrics.counterSnapshot();
        metrics.increment(Counter.HYPERCALLS);
        if (trace.enabled()) {
            trace.begin(TraceKind.HYPERCALL, domid, vcpu, () -> describe(op, args));
        }
        long result;
        try {
            result = enter(domid, vcpu, op, args);
        } catch (XenException e) {
            result = e.asResult();
        } catch (RuntimeException e) {
            result = contain(domid, op, e.toString());
        }
        if (result < 0 && XenErrno.fromResult(result).isEmpty()) {
            result = contain(domid, op, "result " + result + " is not a Xen errno");
        }
        if (result < 0) {
            metrics.recordError(XenErrno.fromResult(result).orElseThrow());
        }
        metrics.addCall((int) Math.min(Math.max(op, -1), Integer.MAX_VALUE), HypercallNumber.subOp(op, args), before);
        if (trace.enabled()) {
            long traced = result;
            trace.end(TraceKind.HYPERCALL, domid, vcpu, () -> describe(op, args) + " = " + XenErrno.describeResult(traced));
        }
        return result;
    }

    private long enter(int domid, int vcpuId, long op, long[] args) {
        metrics.increment(Counter.HYPERVISOR_ENTRIES);
        scheduler.reached(SchedulingPoint.HYPERCALL_ENTRY, domid);
        if (args != null && args.length > MAX_ARGS) {
            return XenErrno.EINVAL.asResult();
        }
        long[] words = new long[MAX_ARGS];
        if (args != null) {
            System.arraycopy(args, 0, words, 0, args.length);
        }
        long currentOp = op;
        int continuations = 0;
        long workUnits = 0;
        while (true) {
            Domain domain = domains.lookup(domid);
            if (domain == null) {
                return XenErrno.ESRCH.asResult();
            }
            Vcpu vcpu = domain.vcpu(vcpuId);
            if (vcpu == null) {
                return XenErrno.EINVAL.asResult();
            }
            HypercallHandler handler = handlerFor(domain, currentOp);
            if (handler == null) {
                return XenErrno.ENOSYS.asResult();
            }
            EntryContext context = new EntryContext(this, domain, vcpu, config.preemptionPolls());
            long result = handler.handle(context, words);
            if (!context.continued()) {
                return result;
            }
            workUnits += 1 + context.polls();
            if (workUnits >= config.workBudget()) {
                return budgetSpent(domid, currentOp, workUnits);
            }
            if (++continuations > config.maxContinuations()) {
                return contain(domid, currentOp, "more than " + config.maxContinuations() + " continuations");
            }
            currentOp = context.continuationOp();
            words = context.continuationArgs();
            if (trace.enabled()) {
                long nextOp = currentOp;
                long[] nextArgs = words;
                trace.event(TraceKind.CONTINUATION, domid, () -> describe(nextOp, nextArgs));
            }
            metrics.increment(Counter.CONTINUATIONS);
            scheduler.reached(SchedulingPoint.CONTINUATION, domid);
            metrics.increment(Counter.HYPERVISOR_ENTRIES);
            scheduler.reached(SchedulingPoint.HYPERCALL_ENTRY, domid);
        }
    }

    /**
     * Runs one multicall entry through the same dispatch table, for the calling domain and vCPU of
     * {@code parent} (the multicall's context): {@code op} with no handler is -ENOSYS; the
     * handler's {@link XenException} is its errno; any other exception, or a negative result that
     * is not a Xen errno, is contained as for a whole hypercall (-EINVAL, counted, traced). A
     * continuation the handler asks for is returned, not followed: the multicall decides.
     * {@code HYPERCALLS} and {@code HYPERVISOR_ENTRIES} do not count sub-calls (the guest issued
     * one hypercall); a negative sub-call result is recorded with {@link RunMetrics#recordError},
     * as the guest sees it in the entry's {@code result}, once the sub-call completed.
     *
     * <p>The caller rejects a nested multicall before it gets here.
     *
     * @param args the entry's first five argument words (missing words read as 0)
     */
    public SubCall dispatchSubCall(org.xencommlab.api.hypercall.HypercallContext parent, long op, long[] args) {
        long[] words = new long[MAX_ARGS];
        System.arraycopy(args, 0, words, 0, Math.min(args.length, MAX_ARGS));
        HypercallHandler handler = handlerFor(domains.lookup(parent.domid()), op);
        SubCall outcome;
        if (handler == null) {
            outcome = SubCall.completed(XenErrno.ENOSYS.asResult());
        } else {
            SubCallContext context = new SubCallContext(parent);
            long result;
            try {
                result = handler.handle(context, words);
            } catch (XenException e) {
                result = e.asResult();
            } catch (RuntimeException e) {
                result = contain(parent.domid(), op, "multicall entry: " + e);
            }
            if (result < 0 && XenErrno.fromResult(result).isEmpty()) {
                result = contain(parent.domid(), op, "multicall entry: result " + result + " is not a Xen errno");
            }
            outcome = context.continued() && result >= 0
                    ? new SubCall(result, true, context.continuationOp(), context.continuationArgs())
                    : SubCall.completed(result);
        }
        if (!outcome.preempted() && outcome.result() < 0) {
            metrics.recordError(XenErrno.fromResult(outcome.result()).orElseThrow());
        }
        if (trace.enabled()) {
            trace.event(TraceKind.HYPERCALL, parent.domid(), () -> "multicall entry " + describe(op, words) + " = "
                    + (outcome.preempted() ? "continued" : XenErrno.describeResult(outcome.result())));
        }
        return outcome;
    }

    /**
     * The handler of {@code op} for {@code domain}: the dispatch table's, or else the one the
     * domain's arch state serves ({@link org.xencommlab.api.xencomm.DomainArchState#hypercall},
     * an {@code arch_N} hypercall bound to that domain's state); null if neither has one (or the
     * domain is gone).
     */
    private HypercallHandler handlerFor(Domain domain, long op) {
        if (op < 0 || op >= table.length) {
            return null;
        }
        HypercallHandler handler = table[(int) op];
        if (handler != null || domain == null) {
            return handler;
        }
        return domain.archState().hypercall((int) op);
    }

    /** Ends a call whose work budget is spent: a guest-caused outcome, not a handler bug. */
    private long budgetSpent(int domid, long op, long workUnits) {
        budgetStops.incrementAndGet();
        if (trace.enabled()) {
            trace.event(TraceKind.FAULT, domid, () -> HypercallNumber.name(op) + " stopped: it spent " + workUnits
                    + " work units of its budget of " + config.workBudget() + " (guest-caused, -EBUSY)");
        }
        return XenErrno.EBUSY.asResult();
    }

    private long contain(int domid, long op, String why) {
        containedFailures.incrementAndGet();
        if (trace.enabled()) {
            trace.event(TraceKind.FAULT, domid, () -> "contained handler failure in " + HypercallNumber.name(op) + ": " + why);
        }
        return XenErrno.EINVAL.asResult();
    }

    private static String describe(long op, long[] args) {
        StringBuilder sb = new StringBuilder(HypercallNumber.name(op)).append('(');
        if (args != null) {
            for (int i = 0; i < args.length; i++) {
                sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
            }
        }
        return sb.append(')').toString();
    }

    @Override
    public void loadPageTableBase(int domid, int vcpu, long rootTable) {
        Domain domain = domains.lookup(domid);
        Vcpu v = domain == null ? null : domain.vcpu(vcpu);
        if (v == null) {
            throw new IllegalArgumentException("no vCPU " + vcpu + " of domain " + domid);
        }
        v.loadPageTableBase(rootTable);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if there is no such live domain
     */
    @Override
    public GuestPhysicalMemory physicalMemory(int domid) {
        Domain domain = domains.lookup(domid);
        if (domain == null) {
            throw new IllegalArgumentException("no domain " + domid);
        }
        return domain.memory();
    }

    /** Handler failures (exceptions other than XenException, non-errno results) contained, since boot. */
    public long containedFailures() {
        return containedFailures.get();
    }

    /** Guest hypercalls stopped because they spent their work budget, since boot. */
    public long budgetStops() {
        return budgetStops.get();
    }

    /** Whether hypercall {@code op} has a handler in the dispatch table (arch state's own hypercalls aside). */
    public boolean hasHandler(long op) {
        return op >= 0 && op < table.length && table[(int) op] != null;
    }

    GuestHandleResolver resolver() {
        return resolver;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    RunMetrics metrics() {
        return metrics;
    }

    Trace trace() {
        return trace;
    }
}
