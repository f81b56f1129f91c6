package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * A multicall sub-call's context: it is the multicall's context in everything (same domain, vCPU,
 * memory, heap, pins, preemption budget), except that a continuation is kept for the multicall,
 * once, with at most five argument words. And what a sub-call reports ({@link SubCall}) is a
 * value: copied in, copied out, equal by content.
 */
final class TestSubCallContinuation {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE).withPreemptionPolls(2),
            new TestingGuestHandleResolver(512), Map.of());
    private final Domain domain = m.domains.create(DomainSpec.guest(3, 4L * PAGE).withVcpus(2));
    private final EntryContext parent = new EntryContext(m.entry, domain, domain.vcpu(1), 2);
    private final SubCallContext sub = new SubCallContext(parent);

    @Test
    void seesTheMulticallsDomainVcpuAndResources() {
        domain.vcpu(1).loadPageTableBase(0x5000);
        assertThat(sub.domid()).isEqualTo(3);
        assertThat(sub.vcpu()).isEqualTo(1);
        assertThat(sub.isPrivileged()).isFalse();
        assertThat(sub.pageTableBase()).isEqualTo(0x5000);
        assertThat(sub.memory()).isSameAs(domain.memory());
        assertThat(sub.heap()).isSameAs(domain.heap());
        assertThat(sub.guest()).isSameAs(parent.guest());
        assertThat(sub.metrics()).isSameAs(m.metrics);
        assertThat(sub.trace()).isSameAs(m.trace);
    }

    @Test
    void aPrivilegedCallerStaysPrivileged() {
        Domain dom0 = m.domains.create(DomainSpec.dom0(2L * PAGE));
        SubCallContext ofDom0 = new SubCallContext(new EntryContext(m.entry, dom0, dom0.vcpu(0), 2));
        assertThat(ofDom0.isPrivileged()).isTrue();
        assertThat(ofDom0.domid()).isZero();
    }

    @Test
    void pinsGoToTheMulticallsDomain() {
        assertThat(sub.pinFrame(1)).isTrue();
        assertThat(domain.pinsOn(1)).isEqualTo(1);
        assertThat(sub.pinFrame(100)).as("not RAM").isFalse();
        sub.unpinFrame(1);
        assertThat(domain.pinsOn(1)).isZero();
    }

    @Test
    void sharesTheMulticallsPreemptionBudget() {
        assertThat(parent.preemptionPending()).isFalse();
        assertThat(sub.preemptionPending()).isFalse();
        assertThat(sub.preemptionPending()).as("the third poll of the entry").isTrue();
        assertThat(parent.polls()).isEqualTo(3);
    }

    @Test
    void keepsAContinuationForTheMulticallInsteadOfTheEntry() {
        assertThat(sub.continued()).isFalse();
        assertThat(sub.createContinuation(12, 1, 2, 3)).isEqualTo(12);
        assertThat(sub.continued()).isTrue();
        assertThat(sub.continuationOp()).isEqualTo(12);
        assertThat(sub.continuationArgs()).containsExactly(1, 2, 3, 0, 0);
        assertThat(parent.continued()).as("the multicall decides, not the entry").isFalse();
    }

    @Test
    void aContinuationTakesAtMostFiveWords() {
        assertThat(sub.createContinuation(7, 1, 2, 3, 4, 5)).isEqualTo(7);
        assertThat(sub.continuationArgs()).containsExactly(1, 2, 3, 4, 5);

        SubCallContext other = new SubCallContext(parent);
        assertThatIllegalArgumentException().isThrownBy(() -> other.createContinuation(7, 1, 2, 3, 4, 5, 6));
        assertThat(other.continued()).as("a refused continuation is not made").isFalse();
        assertThat(other.continuationArgs()).containsOnly(0);
    }

    @Test
    void aContinuationWithoutArgumentsLeavesTheWordsZero() {
        assertThat(sub.createContinuation(9, (long[]) null)).isEqualTo(9);
        assertThat(sub.continued()).isTrue();
        assertThat(sub.continuationArgs()).containsOnly(0);
    }

    @Test
    void aSecondContinuationIsABugAndChangesNothing() {
        sub.createContinuation(12, 4);
        assertThatIllegalStateException().isThrownBy(() -> sub.createContinuation(13, 5));
        assertThat(sub.continuationOp()).isEqualTo(12);
        assertThat(sub.continuationArgs()).containsExactly(4, 0, 0, 0, 0);
    }

    @Test
    void aSubCallCopiesItsArgumentsInAndOut() {
        long[] args = {1, 2, 3, 4, 5};
        SubCall call = new SubCall(0, true, 12, args);
        args[0] = 99;
        assertThat(call.continuationArgs()).containsExactly(1, 2, 3, 4, 5);
        call.continuationArgs()[1] = 99;
        assertThat(call.continuationArgs()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aCompletedSubCallHasNoContinuation() {
        SubCall done = SubCall.completed(-22);
        assertThat(done.result()).isEqualTo(-22);
        assertThat(done.preempted()).isFalse();
        assertThat(done.continuationOp()).isZero();
        assertThat(done.continuationArgs()).containsExactly(0, 0, 0, 0, 0);
        assertThat(done).hasToString("SubCall[result=-22]");
    }

    @Test
    void subCallsAreEqualByContent() {
        SubCall a = new SubCall(5, true, 12, new long[] {1, 2, 0, 0, 0});
        SubCall same = new SubCall(5, true, 12, new long[] {1, 2, 0, 0, 0});
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isEqualTo(a);
        assertThat(a).isNotEqualTo(new SubCall(6, true, 12, new long[] {1, 2, 0, 0, 0}));
        assertThat(a).isNotEqualTo(new SubCall(5, false, 12, new long[] {1, 2, 0, 0, 0}));
        assertThat(a).isNotEqualTo(new SubCall(5, true, 13, new long[] {1, 2, 0, 0, 0}));
        assertThat(a).isNotEqualTo(new SubCall(5, true, 12, new long[] {1, 3, 0, 0, 0}));
        assertThat(a).isNotEqualTo("SubCall");
        assertThat(a).isNotEqualTo(null);
    }

    @Test
    void subCallHashesTellResultsAndArgumentsApart() {
        assertThat(SubCall.completed(0).hashCode()).isNotEqualTo(SubCall.completed(1).hashCode());
        assertThat(SubCall.completed(1).hashCode()).isNotEqualTo(SubCall.completed(2).hashCode());
        assertThat(new SubCall(0, true, 1, new long[] {1, 0, 0, 0, 0}).hashCode())
                .isNotEqualTo(new SubCall(0, true, 1, new long[] {2, 0, 0, 0, 0}).hashCode());
    }

    @Test
    void aPreemptedSubCallNamesItsContinuation() {
        assertThat(new SubCall(3, true, 12, new long[] {1, 2, 0, 0, 0}))
                .hasToString("SubCall[result=3, continues with 12[1, 2, 0, 0, 0]]");
    }
}
