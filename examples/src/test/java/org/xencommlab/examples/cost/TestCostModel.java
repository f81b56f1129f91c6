package org.xencommlab.examples.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.examples.report.model.Metrics;

final class TestCostModel {
    @Test
    void defaultsAreTheDocumentedOnes() {
        CostModel defaults = CostModel.defaults();
        assertThat(defaults.value(CoreCosts.HYPERVISOR_ENTRY)).isEqualTo(500); // 1,500 cycles at 3 GHz
        assertThat(defaults.value(CoreCosts.GUEST_SYSCALL)).isEqualTo(170);
        // mlock+munlock of n pages = 4.5 us + 0.43 us per page, syscall entries charged separately.
        double pair = defaults.value(CoreCosts.MLOCK_CALL) + defaults.value(CoreCosts.MUNLOCK_CALL)
                + 2 * defaults.value(CoreCosts.GUEST_SYSCALL);
        assertThat(pair).isEqualTo(4_500);
        assertThat(defaults.value(CoreCosts.MLOCKED_PAGE) + defaults.value(CoreCosts.MUNLOCKED_PAGE)).isEqualTo(430);
        assertThat(defaults.value(CoreCosts.COPY_BANDWIDTH)).isEqualTo(10);
        assertThat(MetricCatalog.classPath().costs()).allSatisfy(e -> assertThat(e.source()).isNotBlank());
    }

    @Test
    void formulaByHand() {
        Map<String, Long> counts = Map.of(
                "hypervisorEntries", 10L, "continuations", 2L, "guestSyscalls", 4L, "mlockCalls", 1L,
                "munlockCalls", 1L, "mlockedPages", 3L, "munlockedPages", 3L, "translationSteps", 100L,
                "bytesToHypervisor", 8_000L, "bytesToGuest", 2_001L);
        long expected = Math.round(10 * 500.0 + 2 * 100.0 + 4 * 170.0 + 2_080.0 + 2_080.0 + 3 * 215.0 + 3 * 215.0
                + 100 * 20.0 + 10_001 / 10.0);

        long modelled = CostModel.defaults().modelledNanos(name -> counts.getOrDefault(name, 0L));

        assertThat(modelled).isEqualTo(expected).isEqualTo(14_330);
    }

    @Test
    void overridesChangeTheModelledTime() {
        CostModel slowCopies = CostModelLoader.parse("copyGigabytesPerSecond=1", "c.properties",
                CostModelLoader.Format.PROPERTIES);
        assertThat(slowCopies.modelledNanos(name -> name.equals("bytesToGuest") ? 4096 : 0)).isEqualTo(4096);
        assertThat(CostModel.defaults().modelledNanos(name -> name.equals("bytesToGuest") ? 4096 : 0)).isEqualTo(410);
    }

    @Test
    void everyPricedMetricIsAReportMetric() {
        assertThat(Metrics.knownNames()).containsAll(CostModel.defaults().pricedMetrics());
        for (Counter counter : Counter.core()) {
            assertThat(Metrics.knownNames()).contains(counter.name());
        }
    }

    @Test
    void metricsFromARunCarryEveryCountAndTheModelledTime() {
        RunMetrics run = new RunMetrics();
        run.add(Counter.HYPERCALLS, 3);
        run.add(Counter.HYPERVISOR_ENTRIES, 4);
        run.adjust(Gauge.REGISTRATIONS_LIVE, 5);
        run.adjust(Gauge.REGISTRATIONS_LIVE, -3);
        run.adjust(Gauge.XEN_HEAP_BYTES, 4096);
        run.recordError(XenErrno.EFAULT);

        Metrics metrics = Metrics.measured(run, CostModel.defaults());

        assertThat(metrics.names()).startsWith(MetricCatalog.classPath().headline().toArray(String[]::new));
        assertThat(metrics.get("hypercalls")).isEqualTo(3);
        assertThat(metrics.get("registrationsPeak")).isEqualTo(5);
        assertThat(metrics.get("registrationsLeaked")).isEqualTo(2);
        assertThat(metrics.get("xenHeapBytesLeaked")).isEqualTo(4096);
        assertThat(metrics.get("extentsDone")).isZero();
        assertThat(metrics.modelledNanos()).isEqualTo(4 * 500);
        assertThatThrownBy(() -> metrics.get("nonsense")).hasMessageStartingWith("unknown metric nonsense");

        run.adjust(Gauge.LOCKED_PAGES, -1);
        assertThatThrownBy(() -> Metrics.measured(run, CostModel.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("gauge lockedPages ended the run at -1: more was released than taken");
    }

    @Test
    void reportCostModelRoundTripsAndRejectsUnknownKeys() {
        CostModel model = CostModel.defaults().with(CoreCosts.SWAP_IN, 9_000, "mine");
        assertThat(CostModel.of(model.source(), model.costs())).isEqualTo(model);
        assertThatThrownBy(() -> CostModel.of("x", Map.of("bogusNanos", 1.0)))
                .hasMessageStartingWith("unknown cost 'bogusNanos'; valid: hypervisorEntryNanos");
        assertThatThrownBy(() -> CostModel.defaults().with(CoreCosts.COPY_BANDWIDTH, 0, "x"))
                .hasMessageContaining("valid: a number greater than 0");
    }
}
