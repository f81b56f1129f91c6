package org.xencommlab.arch.ppc.testing;

import org.xencommlab.api.memory.PageSize;
import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;

/**
 * A hypervisor just big enough to drive the ppc backend: domains with memory, heap accounts and
 * pins, the backend's resolver and arch handlers, and a hypercall entry. Unlike the real entry it
 * lets a non-Xen exception through, so that a bug in the backend fails the test.
 */
public final class TestingMachine {
    private final PpcConfig config;
    private final RunMetrics metrics = new RunMetrics();
    private final TestingTrace trace = new TestingTrace();
    private final PpcGuestHandleResolver resolver;
    private final Map<Integer, HypercallHandler> handlers = new TreeMap<>();
    private final Map<Integer, TestingDomain> domains = new ConcurrentHashMap<>();
    private final TestingHeapAccount.Budget budget;
    private volatile Runnable beforeNextHypercall;

    /** Runs {@code action} once, at the entry of the next hypercall (to kill a process mid-call). */
    public void beforeNextHypercall(Runnable action) {
        beforeNextHypercall = action;
    }

    /** Copies whose translation reached a frame that is not RAM of the caller. */
    private final AtomicLong foreignReaches = new AtomicLong();

    public TestingMachine(PpcConfig config) {
        this(config, 64L << 20);
    }

    public TestingMachine(PpcConfig config, long heapBudget) {
        this.config = config;
        this.resolver = new PpcGuestHandleResolver(config, metrics, trace);
        this.budget = new TestingHeapAccount.Budget(heapBudget);
    }

    /** Adds a hypercall handler under {@code op} (an arch-neutral call a test needs, e.g. a console). */
    public void addHandler(int op, HypercallHandler handler) {
        if (handlers.putIfAbsent(op, handler) != null) {
            throw new IllegalArgumentException("a handler exists for " + op);
        }
    }

    public PpcConfig config() {
        return config;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    public TestingTrace trace() {
        return trace;
    }

    public GuestHandleResolver resolver() {
        return resolver;
    }

    public TestingHeapAccount.Budget budget() {
        return budget;
    }

    public TestingDomain createDomain(int domid, int nrFrames, long heapQuota) {
        TestingDomain domain = new TestingDomain(domid, domid == 0, new TestingGuestPhysicalMemory(domid, PageSize.SIZE_4K, nrFrames),
                new TestingHeapAccount(budget, heapQuota));
        domain.setArchState(resolver.createDomainState(domid, domain.heap()));
        if (domains.putIfAbsent(domid, domain) != null) {
            throw new IllegalArgumentException("domain exists: " + domid);
        }
        return domain;
    }

    public TestingDomain domain(int domid) {
        TestingDomain domain = domains.get(domid);
        if (domain == null) {
            throw new IllegalArgumentException("no domain " + domid);
        }
        return domain;
    }

    public void destroyDomain(int domid) {
        TestingDomain domain = domains.remove(domid);
        domain.archState().release(new DomainTeardown() {
            @Override
            public void unpinFrame(long gfn) {
                domain.unpinFrame(gfn);
            }

            @Override
            public XenHeapAccount heap() {
                return domain.heap();
            }
        });
    }

    /** A context for one hypervisor entry of {@code domid}. */
    public TestingHypercallContext context(int domid) {
        return new TestingHypercallContext(this, domain(domid));
    }

    /** The hypercall entry: a result or a negative errno. */
    public long hypercall(int domid, long op, long... args) {
        long[] words = new long[5];
        if (args.length > 5) {
            return XenErrno.EINVAL.asResult();
        }
        System.arraycopy(args, 0, words, 0, args.length);
        Runnable action = beforeNextHypercall;
        if (action != null) {
            beforeNextHypercall = null;
            action.run();
        }
        HypercallHandler handler = op >= 0 && op < 64 ? handlers.get((int) op) : null;
        if (handler == null && op >= 0 && op < 64) {
            // As the hypervisor's entry: a number with no handler of its own goes to the caller's arch state.
            handler = domain(domid).archState().hypercall((int) op);
        }
        if (handler == null) {
            return XenErrno.ENOSYS.asResult();
        }
        try {
            long result = handler.handle(context(domid), words);
            if (result < 0) {
                XenErrno.fromResult(result).ifPresent(metrics::recordError);
            }
            return result;
        } catch (XenException e) {
            metrics.recordError(e.errno());
            return e.asResult();
        }
    }

    void noteForeignReach() {
        foreignReaches.incrementAndGet();
    }

    /** Translations that named a frame not RAM of the calling domain (must stay 0). */
    public long foreignReaches() {
        return foreignReaches.get();
    }
}
