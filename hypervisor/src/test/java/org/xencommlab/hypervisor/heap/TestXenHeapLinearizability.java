package org.xencommlab.hypervisor.heap;

import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The Xen heap's thread-safety promise, checked with Lincheck: two domains' accounts charged,
 * released and read from concurrent threads behave as if each operation ran alone, in some order
 * consistent with real time (linearizability), against the same class run sequentially.
 *
 * <p>The budget (100 bytes) is smaller than the two quotas (70 each) together, so the threads
 * race for the budget as well as for each quota; a release beyond what a domain holds throws,
 * and that outcome must be linearizable too. The gauge {@code XEN_HEAP_BYTES} is an operation
 * of its own: it must move with the heap, never before or after it. Closing an account (a
 * domain destroyed while another thread charges it) is one more operation.
 *
 * <p>Model checking explores thread interleavings at every shared-memory access and lock
 * (small bounds: 2 threads of 3 operations); stress mode runs the same scenarios on real
 * threads. Both run in seconds.
 */
@Param(name = "bytes", gen = LongGen.class, conf = "0:60")
public final class TestXenHeapLinearizability {
    private final RunMetrics metrics = new RunMetrics();
    private final XenHeap heap = new XenHeap(HypervisorConfig.defaults().withXenHeap(100, 70), metrics);
    private final DomainHeapAccount first = heap.openAccount(1);
    private final DomainHeapAccount second = heap.openAccount(2);

    @Operation
    public boolean chargeFirst(@Param(name = "bytes") long bytes) {
        return first.tryCharge(bytes);
    }

    @Operation
    public boolean chargeSecond(@Param(name = "bytes") long bytes) {
        return second.tryCharge(bytes);
    }

    @Operation
    public void releaseFirst(@Param(name = "bytes") long bytes) {
        first.release(bytes);
    }

    @Operation
    public void releaseSecond(@Param(name = "bytes") long bytes) {
        second.release(bytes);
    }

    @Operation
    public long usedByFirst() {
        return first.used();
    }

    @Operation
    public long used() {
        return heap.used();
    }

    @Operation
    public long gauge() {
        return metrics.current(Gauge.XEN_HEAP_BYTES);
    }

    @Operation
    public long closeSecond() {
        return heap.closeAccount(second);
    }

    /** After every run: the accounts sum to the total, within the budget, and the gauge agrees. */
    @Validate
    public void accountsRecount() {
        if (!heap.isConsistent() || metrics.current(Gauge.XEN_HEAP_BYTES) != heap.used()) {
            throw new IllegalStateException("heap " + heap.usage() + " against " + heap.used() + ", gauge "
                    + metrics.current(Gauge.XEN_HEAP_BYTES));
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(300).threads(2).actorsPerThread(3)
                .actorsBefore(1).actorsAfter(1).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(200).threads(2).actorsPerThread(3)
                .actorsBefore(1).actorsAfter(1).check(getClass());
    }
}
