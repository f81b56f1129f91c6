package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

final class TestHypercallEntry {
    private static final int ARCH = HypercallNumber.ARCH_0;

    private TestingMachine machine(int polls, HypercallHandler handler) {
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20)
                .withPreemptionPolls(polls).withMaxContinuations(1000), new TestingGuestHandleResolver(64), Map.of(ARCH, handler));
        m.hypervisor.createDomain(DomainSpec.dom0(1 << 20).withVcpus(2));
        m.hypervisor.createDomain(DomainSpec.guest(1, 1 << 20));
        return m;
    }

    @Test
    void unknownHypercallsAreEnosys() {
        TestingMachine m = machine(8, (c, a) -> 0);
        for (long op : new long[] {-1, 0, 1, HypercallNumber.GRANT_TABLE_OP, HypercallNumber.ARCH_7, HypercallNumber.TABLE_SIZE,
                Integer.MAX_VALUE, 1L << 32, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(m.entry.hypercall(0, 0, op)).as("op %d", op).isEqualTo(-38);
        }
        assertThat(m.metrics.errors(XenErrno.ENOSYS)).isEqualTo(10);
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isEqualTo(10);
    }

    @Test
    void unknownCallersAndTooManyArgumentsAreRefused() {
        TestingMachine m = machine(8, (c, a) -> 7);
        assertThat(m.entry.hypercall(2, 0, ARCH)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(m.entry.hypercall(-1, 0, ARCH)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(m.entry.hypercall(Integer.MAX_VALUE, 0, ARCH)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(m.entry.hypercall(1, 1, ARCH)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.hypercall(0, -1, ARCH)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.hypercall(0, 1, ARCH)).isEqualTo(7);
        assertThat(m.entry.hypercall(0, 0, ARCH, 1, 2, 3, 4, 5)).isEqualTo(7);
        assertThat(m.entry.hypercall(0, 0, ARCH, 1, 2, 3, 4, 5, 6)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.hypercall(0, 0, ARCH, (long[]) null)).isEqualTo(7);
        assertThat(m.metrics.errors()).containsEntry(XenErrno.ESRCH, 3L).containsEntry(XenErrno.EINVAL, 3L);
    }

    @Test
    void handlerSeesFiveWordsWithMissingOnesZero() {
        long[][] seen = new long[1][];
        TestingMachine m = machine(8, (c, a) -> {
            seen[0] = a.clone();
            return c.domid() * 100 + c.vcpu() + (c.isPrivileged() ? 1000 : 0);
        });
        assertThat(m.entry.hypercall(0, 1, ARCH, 9, 8)).isEqualTo(1001);
        assertThat(seen[0]).containsExactly(9, 8, 0, 0, 0);
        assertThat(m.entry.hypercall(1, 0, ARCH)).isEqualTo(100);
    }

    @Test
    void xenErrorsBecomeErrnosAndOtherExceptionsAreContained() {
        AtomicInteger mode = new AtomicInteger();
        TestingMachine m = machine(8, (c, a) -> {
            switch (mode.get()) {
                case 0 -> throw new XenException(XenErrno.EACCES, "no");
                case 1 -> throw new IllegalStateException("handler bug");
                case 2 -> {
                    int[] small = new int[1];
                    return small[(int) a[0]];
                }
                default -> {
                    return -9999;
                }
            }
        });
        assertThat(m.entry.hypercall(0, 0, ARCH)).isEqualTo(XenErrno.EACCES.asResult());
        assertThat(m.entry.containedFailures()).isZero();
        mode.set(1);
        assertThat(m.entry.hypercall(0, 0, ARCH)).isEqualTo(XenErrno.EINVAL.asResult());
        mode.set(2);
        assertThat(m.entry.hypercall(0, 0, ARCH, 5)).isEqualTo(XenErrno.EINVAL.asResult());
        mode.set(3);
        assertThat(m.entry.hypercall(0, 0, ARCH)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.containedFailures()).isEqualTo(3);
        assertThat(m.hypervisor.containedFailures()).isEqualTo(3);
        assertThat(m.trace.events(TraceKind.FAULT)).hasSize(3);
        assertThat(m.metrics.errors(XenErrno.EINVAL)).isEqualTo(3);
        assertThat(m.metrics.errors(XenErrno.EACCES)).isEqualTo(1);
    }

    @Test
    void continuationReentersTheHandlerWithRewrittenArguments() {
        // A handler that does args[1] units of work from args[0], polling between units, as Xen's loops do.
        StringBuilder work = new StringBuilder();
        TestingMachine m = machine(3, (c, a) -> {
            long start = a[0];
            long end = a[1];
            for (long i = start; i < end; i++) {
                if (i > start && c.preemptionPending()) {
                    return c.createContinuation(ARCH, i, end);
                }
                work.append(i).append(',');
            }
            return end;
        });
        m.scheduler.clear();
        assertThat(m.entry.hypercall(1, 0, ARCH, 0, 10)).isEqualTo(10);
        assertThat(work).hasToString("0,1,2,3,4,5,6,7,8,9,");
        // Each entry does 4 units (3 polls answer false, the 4th true): entries at 0, 4, 8.
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isEqualTo(1);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isEqualTo(2);
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(3);
        assertThat(m.scheduler.points()).containsExactly(SchedulingPoint.HYPERCALL_ENTRY,
                SchedulingPoint.CONTINUATION, SchedulingPoint.HYPERCALL_ENTRY,
                SchedulingPoint.CONTINUATION, SchedulingPoint.HYPERCALL_ENTRY);
        assertThat(m.trace.events(TraceKind.CONTINUATION)).hasSize(2);
        assertThat(m.trace.events(TraceKind.HYPERCALL)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("arch_0(0x0, 0xa) = 10"));
    }

    @Test
    void preemptionIsCountedNotTimed() {
        TestingMachine m = machine(0, (c, a) -> c.preemptionPending() ? 1 : 0);
        assertThat(m.entry.hypercall(0, 0, ARCH)).isEqualTo(1);
        TestingMachine n = machine(2, (c, a) -> (c.preemptionPending() ? 1 : 0) + (c.preemptionPending() ? 2 : 0)
                + (c.preemptionPending() ? 4 : 0));
        assertThat(n.entry.hypercall(0, 0, ARCH)).isEqualTo(4);
    }

    @Test
    void endlessContinuationsAreStopped() {
        TestingMachine m = machine(0, (c, a) -> c.createContinuation(ARCH, a));
        assertThat(m.entry.hypercall(0, 0, ARCH)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isEqualTo(1000);
        assertThat(m.entry.containedFailures()).isEqualTo(1);
    }

    /**
     * A guest asks for a huge amount of work (a count near 2^40, worked off one unit per poll as
     * every handler does): the call spends its work budget and ends with -EBUSY, a guest-caused
     * outcome with a trace event; it is not a contained handler bug (before the budget, it ran
     * into maxContinuations and was counted as one).
     */
    @Test
    void aLongGuestCallEndsWhenItsWorkBudgetIsSpentAsAGuestOutcome() {
        HypercallHandler counting = (c, a) -> {
            for (long i = a[0]; i < a[1]; i++) {
                if (i != a[0] && c.preemptionPending()) {
                    return c.createContinuation(ARCH, i, a[1]);
                }
            }
            return 0;
        };
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20)
                .withPreemptionPolls(2).withMaxContinuations(1000).withWorkBudget(2000),
                new TestingGuestHandleResolver(64), Map.of(ARCH, counting));
        m.hypervisor.createDomain(DomainSpec.dom0(1 << 20));
        assertThat(m.entry.hypercall(0, 0, ARCH, 0, 1L << 40)).isEqualTo(XenErrno.EBUSY.asResult());
        assertThat(m.entry.containedFailures()).as("not a handler bug").isZero();
        assertThat(m.entry.budgetStops()).isEqualTo(1);
        assertThat(m.metrics.errors(XenErrno.EBUSY)).isEqualTo(1);
        // Each entry is 1 unit plus its 3 polls: the 500th entry spends the 2000th unit.
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(500);
        assertThat(m.trace.events(TraceKind.FAULT)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("work units").contains("guest-caused"));
        assertThat(m.entry.hypercall(0, 0, ARCH, 0, 100)).as("a short call is untouched").isZero();
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void atTheDefaultsTheBudgetStopsAPollingCallBeforeMaxContinuations() {
        HypervisorConfig defaults = HypervisorConfig.defaults();
        long unitsPerEntry = 1 + defaults.preemptionPolls() + 1;
        assertThat(defaults.workBudget() / unitsPerEntry).isLessThan(defaults.maxContinuations());
    }

    @Test
    void continuationOfADomainDestroyedMeanwhileIsEsrch() {
        TestingMachine m = machine(0, (c, a) -> a[0] == 0 ? c.createContinuation(ARCH, 1) : 5);
        m.scheduler.onReached((point, domid) -> {
            if (point == SchedulingPoint.CONTINUATION) {
                m.hypervisor.destroyDomain(domid);
            }
        });
        assertThat(m.entry.hypercall(1, 0, ARCH)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(m.hypervisor.domainSnapshot(1)).isEmpty();
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    /**
     * A number the dispatch table leaves empty goes to the calling domain's arch state, which
     * serves it bound to itself: each domain's call reaches its own state, with no lookup by type.
     */
    @Test
    void anArchHypercallIsServedByTheCallingDomainsOwnState() {
        TestingMachine m = machine(0, (c, a) -> 0);
        m.hypervisor.createDomain(DomainSpec.guest(2, 1 << 20));
        int op = TestingGuestHandleResolver.STATE_HYPERCALL;
        assertThat(m.entry.hasHandler(op)).isFalse();
        assertThat(m.entry.hypercall(1, 0, op)).isEqualTo(1);
        assertThat(m.entry.hypercall(2, 0, op)).isEqualTo(2);
        assertThat(m.entry.hypercall(1, 0, op - 1)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.entry.containedFailures()).isZero();
    }

    @Test
    void contextGivesHeapPinsAndPageTableBase() {
        TestingMachine m = machine(0, (c, a) -> {
            if (!c.heap().tryCharge(a[0])) {
                return XenErrno.ENOMEM.asResult();
            }
            if (!c.pinFrame(a[1])) {
                c.heap().release(a[0]);
                return XenErrno.EFAULT.asResult();
            }
            c.unpinFrame(a[1]);
            c.heap().release(a[0]);
            return c.pageTableBase();
        });
        m.entry.loadPageTableBase(1, 0, 0x5000);
        assertThat(m.entry.hypercall(1, 0, ARCH, 100, 3)).isEqualTo(0x5000);
        assertThat(m.entry.hypercall(1, 0, ARCH, 100, 1 << 20)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.entry.hypercall(1, 0, ARCH, 10 << 20, 3)).isEqualTo(XenErrno.ENOMEM.asResult());
        assertThat(m.heap.usedBy(1)).isEqualTo(64);
        assertThatThrownBy(() -> m.entry.loadPageTableBase(1, 5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.entry.physicalMemory(9)).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.entry.physicalMemory(1).domid()).isEqualTo(1);
    }

    @Test
    void dispatchTableRefusesNumbersOutsideIt() {
        assertThatThrownBy(() -> new TestingMachine(HypervisorConfig.defaults(), new TestingGuestHandleResolver(),
                Map.of(HypercallNumber.TABLE_SIZE, (c, a) -> 0))).isInstanceOf(IllegalArgumentException.class);
    }
}
