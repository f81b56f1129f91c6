package org.xencommlab.hypervisor.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.hypervisor.HypervisorConfig;

/** The Xen heap's quota, budget and release at their exact edges, and its accessors. */
class TestXenHeapBounds {
    private final RunMetrics metrics = new RunMetrics();
    private final XenHeap heap = new XenHeap(HypervisorConfig.defaults().withXenHeap(1000, 600), metrics);

    @Test
    void reportsItsBudgetAndQuota() {
        assertThat(heap.budget()).isEqualTo(1000);
        assertThat(heap.domainQuota()).isEqualTo(600);
        assertThat(heap.openAccount(1).quota()).isEqualTo(600);
    }

    @Test
    void aChargeOfZeroIsAcceptedAndChangesNothing() {
        DomainHeapAccount a = heap.openAccount(1);
        assertThat(a.tryCharge(0)).isTrue();
        assertThat(heap.used()).isZero();
        assertThat(metrics.current(Gauge.XEN_HEAP_BYTES)).isZero();
        a.release(0);
        assertThat(heap.used()).isZero();
        assertThatThrownBy(() -> a.tryCharge(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.release(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theQuotaAndTheBudgetAreReachedExactly() {
        DomainHeapAccount a = heap.openAccount(1);
        DomainHeapAccount b = heap.openAccount(2);
        assertThat(a.tryCharge(600)).as("exactly the quota").isTrue();
        assertThat(a.tryCharge(1)).isFalse();
        assertThat(b.tryCharge(401)).as("one byte over the budget").isFalse();
        assertThat(b.tryCharge(400)).as("exactly the budget").isTrue();
        assertThat(heap.used()).isEqualTo(1000);
        assertThat(metrics.current(Gauge.XEN_HEAP_BYTES)).isEqualTo(1000);
        assertThat(heap.isConsistent()).isTrue();
    }

    @Test
    void releasingExactlyWhatIsHeldEmptiesTheAccount() {
        DomainHeapAccount a = heap.openAccount(1);
        a.tryCharge(300);
        assertThatThrownBy(() -> a.release(301)).isInstanceOf(IllegalStateException.class);
        a.release(300);
        assertThat(a.used()).isZero();
        assertThat(heap.used()).isZero();
        assertThat(metrics.current(Gauge.XEN_HEAP_BYTES)).isZero();
    }

    @Test
    void closingAnEmptyAccountReclaimsNothingAndASecondOpenIsRefusedUntilThen() {
        DomainHeapAccount a = heap.openAccount(1);
        assertThatThrownBy(() -> heap.openAccount(1)).isInstanceOf(IllegalStateException.class);
        assertThat(heap.closeAccount(a)).isZero();
        assertThat(heap.reclaimed()).isZero();
        assertThat(heap.closeAccount(a)).as("closing twice").isZero();
        DomainHeapAccount again = heap.openAccount(1);
        assertThat(again.tryCharge(10)).isTrue();
        assertThat(heap.usedBy(1)).isEqualTo(10);
    }
}
