package org.xencommlab.hypervisor.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.hypervisor.HypervisorConfig;

final class TestXenHeap {
    private final RunMetrics metrics = new RunMetrics();
    private final XenHeap heap = new XenHeap(HypervisorConfig.defaults().withXenHeap(1000, 600), metrics);

    @Test
    void enforcesTheDomainQuotaAllOrNothing() {
        DomainHeapAccount a = heap.openAccount(1);
        assertThat(a.tryCharge(500)).isTrue();
        assertThat(a.tryCharge(101)).isFalse();
        assertThat(a.used()).isEqualTo(500);
        assertThat(a.tryCharge(100)).isTrue();
        assertThat(a.used()).isEqualTo(600).isEqualTo(a.quota());
        assertThat(metrics.current(Gauge.XEN_HEAP_BYTES)).isEqualTo(600);
    }

    @Test
    void enforcesTheGlobalBudgetAcrossDomains() {
        DomainHeapAccount a = heap.openAccount(1);
        DomainHeapAccount b = heap.openAccount(2);
        assertThat(a.tryCharge(600)).isTrue();
        assertThat(b.tryCharge(401)).as("within b's quota but beyond the budget").isFalse();
        assertThat(b.used()).isZero();
        assertThat(b.tryCharge(400)).isTrue();
        assertThat(heap.used()).isEqualTo(1000);
        a.release(200);
        assertThat(b.tryCharge(200)).isTrue();
        assertThat(heap.usage()).containsEntry(1, 400L).containsEntry(2, 600L);
        assertThat(heap.isConsistent()).isTrue();
        assertThat(metrics.peak(Gauge.XEN_HEAP_BYTES)).isEqualTo(1000);
    }

    @Test
    void overReleaseIsABugThatChangesNothing() {
        DomainHeapAccount a = heap.openAccount(1);
        a.tryCharge(10);
        assertThatThrownBy(() -> a.release(11)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.tryCharge(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.used()).isEqualTo(10);
        assertThat(heap.used()).isEqualTo(10);
    }

    @Test
    void closingReclaimsWhatIsLeftAndRefusesLaterCharges() {
        DomainHeapAccount a = heap.openAccount(1);
        a.tryCharge(300);
        assertThat(heap.closeAccount(a)).isEqualTo(300);
        assertThat(heap.used()).isZero();
        assertThat(heap.reclaimed()).isEqualTo(300);
        assertThat(a.tryCharge(1)).isFalse();
        a.release(300);
        assertThat(heap.used()).isZero();
        assertThat(metrics.current(Gauge.XEN_HEAP_BYTES)).isZero();
        assertThat(heap.openAccount(1).used()).as("a new domain with the same id starts empty").isZero();
    }

    @Test
    void chargesFromManyThreadsNeverExceedQuotaOrBudget() throws InterruptedException {
        XenHeap shared = new XenHeap(HypervisorConfig.defaults().withXenHeap(10_000, 4_000), metrics);
        List<DomainHeapAccount> accounts = List.of(shared.openAccount(1), shared.openAccount(2), shared.openAccount(3));
        AtomicLong[] held = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int d = t % 3;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    long bytes = 1 + (i * 37L + d) % 300;
                    if (accounts.get(d).tryCharge(bytes)) {
                        held[d].addAndGet(bytes);
                        if (i % 3 != 0) {
                            accounts.get(d).release(bytes);
                            held[d].addAndGet(-bytes);
                        }
                    }
                    if (shared.used() > 10_000) {
                        throw new AssertionError("budget exceeded");
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        long sum = 0;
        for (int d = 0; d < 3; d++) {
            assertThat(accounts.get(d).used()).isEqualTo(held[d].get()).isBetween(0L, 4_000L);
            sum += held[d].get();
        }
        assertThat(shared.used()).isEqualTo(sum).isLessThanOrEqualTo(10_000);
        assertThat(shared.isConsistent()).isTrue();
    }
}
