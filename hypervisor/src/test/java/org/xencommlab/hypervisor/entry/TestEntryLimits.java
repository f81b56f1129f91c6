package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * The hypercall entry's limits, each at its last accepted value and its first refused one: the
 * dispatch table's numbers, the continuations one call may make, and the vCPUs and domains the
 * gate's other doors accept.
 */
final class TestEntryLimits {
    private static final int PAGE = 4096;
    private static final int LAST = HypercallNumber.TABLE_SIZE - 1;

    /** Continues while a[0] is below a[1], one step per entry. */
    private static final HypercallHandler STEPPER = (c, a) -> a[0] < a[1] ? c.createContinuation(LAST, a[0] + 1, a[1]) : a[0];

    private static TestingMachine machine(int maxContinuations) {
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE)
                .withMaxContinuations(maxContinuations), new TestingGuestHandleResolver(64),
                Map.of(0, (c, a) -> 100, LAST, STEPPER));
        m.hypervisor.createDomain(DomainSpec.guest(1, 2L * PAGE).withVcpus(2));
        return m;
    }

    @Test
    void theFirstAndLastNumbersOfTheTableDispatch() {
        TestingMachine m = machine(10);
        assertThat(m.entry.hypercall(1, 0, 0)).isEqualTo(100);
        assertThat(m.entry.hypercall(1, 0, LAST, 3, 3)).isEqualTo(3);
        assertThat(m.entry.hasHandler(0)).isTrue();
        assertThat(m.entry.hasHandler(LAST)).isTrue();
        assertThat(m.entry.hasHandler(1)).isFalse();
        assertThat(m.entry.hasHandler(-1)).isFalse();
        assertThat(m.entry.hasHandler(HypercallNumber.TABLE_SIZE)).isFalse();
        assertThat(m.entry.hasHandler(Long.MIN_VALUE)).isFalse();
    }

    @Test
    void aHandlerOutsideTheTableOrMissingIsRefusedAtConstruction() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TestingMachine(HypervisorConfig.defaults(),
                new TestingGuestHandleResolver(), Map.of(-1, (c, a) -> 0)));
        Map<Integer, HypercallHandler> nullNumber = new HashMap<>();
        nullNumber.put(null, (c, a) -> 0);
        assertThatIllegalArgumentException().isThrownBy(() -> new TestingMachine(HypervisorConfig.defaults(),
                new TestingGuestHandleResolver(), nullNumber));
        Map<Integer, HypercallHandler> nullHandler = new HashMap<>();
        nullHandler.put(LAST, null);
        assertThatNullPointerException().isThrownBy(() -> new TestingMachine(HypervisorConfig.defaults(),
                new TestingGuestHandleResolver(), nullHandler));
    }

    @Test
    void exactlyTheAllowedContinuationsComplete() {
        TestingMachine m = machine(4);
        assertThat(m.entry.hypercall(1, 0, LAST, 0, 4)).isEqualTo(4);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isEqualTo(4);
        assertThat(m.metrics.get(Counter.HYPERVISOR_ENTRIES)).isEqualTo(5);
        assertThat(m.trace.events(TraceKind.CONTINUATION)).hasSize(4)
                .first().satisfies(e -> assertThat(e.detail()).isEqualTo(HypercallNumber.name(LAST) + "(0x1, 0x4, 0x0, 0x0, 0x0)"));
        assertThat(m.entry.containedFailures()).isZero();
        assertThat(m.metrics.errors()).isEmpty();
    }

    @Test
    void oneContinuationMoreIsStoppedAsAHandlerBug() {
        TestingMachine m = machine(4);
        assertThat(m.entry.hypercall(1, 0, LAST, 0, 5)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isEqualTo(4);
        assertThat(m.entry.containedFailures()).isEqualTo(1);
        assertThat(m.trace.events(TraceKind.FAULT)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("more than 4 continuations"));
        assertThat(m.metrics.errors(XenErrno.EINVAL)).isEqualTo(1);
    }

    @Test
    void noContinuationsAllowedStopsTheFirst() {
        TestingMachine m = machine(0);
        assertThat(m.entry.hypercall(1, 0, LAST, 0, 0)).isZero();
        assertThat(m.entry.hypercall(1, 0, LAST, 0, 1)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isZero();
    }

    @Test
    void aContinuationToANumberWithoutAHandlerIsEnosys() {
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE),
                new TestingGuestHandleResolver(64), Map.of(LAST, (c, a) -> c.createContinuation(a[0])));
        m.hypervisor.createDomain(DomainSpec.guest(1, 2L * PAGE));
        assertThat(m.entry.hypercall(1, 0, LAST, 1)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.entry.hypercall(1, 0, LAST, HypercallNumber.TABLE_SIZE)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.entry.hypercall(1, 0, LAST, -1)).isEqualTo(XenErrno.ENOSYS.asResult());
    }

    @Test
    void everyCallIsTracedWithItsWordsAndResult() {
        TestingMachine m = machine(4);
        m.entry.hypercall(1, 0, 0, 0x10, 0x20);
        m.entry.hypercall(1, 0, 5);
        assertThat(m.trace.events(TraceKind.HYPERCALL)).extracting(e -> e.detail()).containsExactly(
                HypercallNumber.name(0) + "(0x10, 0x20) = 100", HypercallNumber.name(5) + "() = -ENOSYS");
        assertThat(m.trace.events(TraceKind.HYPERCALL)).allSatisfy(e -> assertThat(e.domid()).isEqualTo(1));
    }

    @Test
    void thePageTableBaseGoesToTheNamedVcpuOnly() {
        TestingMachine m = machine(4);
        m.entry.loadPageTableBase(1, 1, 0x7000);
        assertThat(m.domains.lookup(1).vcpu(1).pageTableBase()).isEqualTo(0x7000);
        assertThat(m.domains.lookup(1).vcpu(0).pageTableBase()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> m.entry.loadPageTableBase(1, 2, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> m.entry.loadPageTableBase(1, -1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> m.entry.loadPageTableBase(7, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> m.entry.physicalMemory(7));
        assertThat(m.entry.physicalMemory(1)).isSameAs(m.domains.lookup(1).memory());
    }
}
