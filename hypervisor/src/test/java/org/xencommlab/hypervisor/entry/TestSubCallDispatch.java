package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * One multicall entry through the entry's dispatch table: the words the handler sees, what is
 * ENOSYS, how a failure is turned into an errno, when a continuation counts as one, and what is
 * counted and traced.
 */
final class TestSubCallDispatch {
    private static final int ARCH = HypercallNumber.ARCH_0;
    private static final int PAGE = 4096;

    private long[] seen;
    private final HypercallHandler handler = (c, a) -> {
        seen = a.clone();
        return switch ((int) a[0]) {
            case 0 -> 17;
            case 1 -> throw new XenException(XenErrno.EACCES, "refused");
            case 2 -> throw new IllegalStateException("handler bug");
            case 3 -> -9999;
            case 4 -> c.createContinuation(ARCH, 40, 41);
            case 5 -> {
                c.createContinuation(ARCH, 50);
                yield XenErrno.EAGAIN.asResult();
            }
            case 6 -> {
                c.createContinuation(ARCH, 60);
                yield 0;
            }
            default -> 0;
        };
    };
    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE), new TestingGuestHandleResolver(64),
            Map.of(ARCH, handler, 0, (c, a) -> 77));
    private final Domain domain = m.domains.create(DomainSpec.guest(2, 4L * PAGE));
    private final HypercallContext parent = new EntryContext(m.entry, domain, domain.vcpu(0), 8);

    @Test
    void theHandlerSeesTheFirstFiveWordsAndZerosForMissingOnes() {
        assertThat(m.entry.dispatchSubCall(parent, ARCH, new long[] {0, 1, 2, 3, 4, 5, 6})).isEqualTo(SubCall.completed(17));
        assertThat(seen).containsExactly(0, 1, 2, 3, 4);
        m.entry.dispatchSubCall(parent, ARCH, new long[] {0, 9});
        assertThat(seen).containsExactly(0, 9, 0, 0, 0);
        m.entry.dispatchSubCall(parent, ARCH, new long[0]);
        assertThat(seen).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void anOpWithoutAHandlerIsEnosys() {
        for (long op : new long[] {-1, 1, HypercallNumber.TABLE_SIZE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(m.entry.dispatchSubCall(parent, op, new long[5]).result()).as("op %d", op)
                    .isEqualTo(XenErrno.ENOSYS.asResult());
        }
        assertThat(m.metrics.errors(XenErrno.ENOSYS)).isEqualTo(5);
        assertThat(seen).as("no handler ran").isNull();
    }

    @Test
    void aXenErrorIsItsErrnoAndOtherFailuresAreContained() {
        assertThat(m.entry.dispatchSubCall(parent, ARCH, new long[] {1}).result()).isEqualTo(XenErrno.EACCES.asResult());
        assertThat(m.entry.containedFailures()).isZero();
        assertThat(m.entry.dispatchSubCall(parent, ARCH, new long[] {2}).result()).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.dispatchSubCall(parent, ARCH, new long[] {3}).result()).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.entry.containedFailures()).isEqualTo(2);
        assertThat(m.trace.events(TraceKind.FAULT)).hasSize(2).allSatisfy(e -> {
            assertThat(e.domid()).isEqualTo(2);
            assertThat(e.detail()).contains("multicall entry");
        });
        assertThat(m.metrics.errors(XenErrno.EACCES)).isEqualTo(1);
        assertThat(m.metrics.errors(XenErrno.EINVAL)).isEqualTo(2);
    }

    @Test
    void aContinuationIsReturnedNotFollowed() {
        SubCall call = m.entry.dispatchSubCall(parent, ARCH, new long[] {4});
        assertThat(call.preempted()).isTrue();
        assertThat(call.result()).isEqualTo(ARCH);
        assertThat(call.continuationOp()).isEqualTo(ARCH);
        assertThat(call.continuationArgs()).containsExactly(40, 41, 0, 0, 0);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isZero();
        assertThat(m.metrics.errors()).isEmpty();
        assertThat(m.trace.events(TraceKind.HYPERCALL)).singleElement()
                .satisfies(e -> assertThat(e.detail()).endsWith("= continued"));
    }

    @Test
    void aContinuationWithAnErrorResultIsTheErrorNotAContinuation() {
        SubCall call = m.entry.dispatchSubCall(parent, ARCH, new long[] {5});
        assertThat(call).isEqualTo(SubCall.completed(XenErrno.EAGAIN.asResult()));
        assertThat(m.metrics.errors(XenErrno.EAGAIN)).isEqualTo(1);
    }

    @Test
    void aContinuationWithAZeroResultIsStillAContinuation() {
        SubCall call = m.entry.dispatchSubCall(parent, ARCH, new long[] {6});
        assertThat(call.preempted()).isTrue();
        assertThat(call.result()).isZero();
        assertThat(call.continuationArgs()).containsExactly(60, 0, 0, 0, 0);
    }

    @Test
    void theFirstNumberOfTheTableIsReachable() {
        assertThat(m.entry.dispatchSubCall(parent, 0, new long[0])).isEqualTo(SubCall.completed(77));
    }

    @Test
    void subCallsAreNotCountedAsHypercallsAndAreTraced() {
        m.entry.dispatchSubCall(parent, ARCH, new long[] {0, 0xab});
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isZero();
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isZero();
        assertThat(m.trace.events(TraceKind.HYPERCALL)).singleElement().satisfies(e -> {
            assertThat(e.domid()).isEqualTo(2);
            assertThat(e.detail()).isEqualTo("multicall entry arch_0(0x0, 0xab, 0x0, 0x0, 0x0) = 17");
        });
    }
}
