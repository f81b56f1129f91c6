package org.xencommlab.arch.cvm.counts;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;

/**
 * Every count the cvm backend keeps, in one place, one instance per run (bound in the run's
 * injector). The backend's own counts are plain atomics for now; where a core {@link Counter}
 * means the same thing it is added too (a private-page refusal is a hypervisor fault).
 *
 * <p>This is the one class to rewire when plug-ins can declare their own counters and gauges:
 * nothing else in the module counts cvm events.
 */
public final class CvmCounts {
    private final RunMetrics metrics;
    private final AtomicLong pagesConverted = new AtomicLong();
    private final AtomicLong conversionCalls = new AtomicLong();
    private final AtomicLong bytesBounced = new AtomicLong();
    private final AtomicLong poolSlotsInUse = new AtomicLong();
    private final AtomicLong poolSlotsPeak = new AtomicLong();
    private final AtomicLong privateRefusals = new AtomicLong();
    private final AtomicLong pagesLeaked = new AtomicLong();
    private final AtomicLong poolFull = new AtomicLong();

    public CvmCounts(RunMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** {@code n} pages changed state (private to shared or back), as the hypervisor did it. */
    public void pagesConverted(long n) {
        pagesConverted.addAndGet(n);
    }

    /** One page-state change hypercall entered (a continuation counts again: it is another exit). */
    public void conversionCall() {
        conversionCalls.incrementAndGet();
    }

    /** {@code n} bytes copied between private memory and the bounce pool (either way). */
    public void bytesBounced(long n) {
        bytesBounced.addAndGet(n);
    }

    /** Bounce-pool slots taken ({@code delta > 0}) or given back; keeps the peak. */
    public void poolSlotsInUse(long delta) {
        long now = poolSlotsInUse.addAndGet(delta);
        poolSlotsPeak.accumulateAndGet(now, Math::max);
    }

    /** The hypervisor looked a frame up in the page-state table (a core translation step). */
    public void translationStep() {
        metrics.increment(Counter.TRANSLATION_STEPS);
    }

    /** The hypervisor refused a reference to a private page (also a core hypervisor fault). */
    public void privateRefusal() {
        privateRefusals.incrementAndGet();
        metrics.increment(Counter.HYPERVISOR_FAULTS);
    }

    /** Pages whose conversion failed, so the guest will never free or reuse them. */
    public void pagesLeaked(long n) {
        pagesLeaked.addAndGet(n);
    }

    /** A mapping refused because the bounce pool had no run of free slots long enough. */
    public void poolFull() {
        poolFull.incrementAndGet();
    }

    public long pagesConverted() {
        return pagesConverted.get();
    }

    public long conversionCalls() {
        return conversionCalls.get();
    }

    public long bytesBounced() {
        return bytesBounced.get();
    }

    public long poolSlotsInUse() {
        return poolSlotsInUse.get();
    }

    public long poolSlotsPeak() {
        return poolSlotsPeak.get();
    }

    public long privateRefusals() {
        return privateRefusals.get();
    }

    public long pagesLeaked() {
        return pagesLeaked.get();
    }

    public long poolFullRefusals() {
        return poolFull.get();
    }

    @Override
    public String toString() {
        return "cvm counts: " + pagesConverted + " pages converted in " + conversionCalls + " calls, " + bytesBounced
                + " bytes bounced, pool peak " + poolSlotsPeak + " slots, " + privateRefusals + " private refusals, "
                + pagesLeaked + " pages leaked";
    }
}
