package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.strategy.embedded.plugin.EmbeddedStrategyPlugin;
import org.xencommlab.strategy.pointer.plugin.PointerStrategyPlugin;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.domain.DomainSpec;

final class TestHypervisorModule {
    /** What the composition root and an arch module bind beside the hypervisor module. */
    private static final class TestingRunModule extends AbstractModule {
        private final RunMetrics metrics;
        private final ArgumentStrategy strategy;

        TestingRunModule(RunMetrics metrics, ArgumentStrategy strategy) {
            this.metrics = metrics;
            this.strategy = strategy;
        }

        @Override
        protected void configure() {
            binder().requireExplicitBindings();
            binder().requireAtInjectOnConstructors();
            binder().disableCircularProxies();
            bind(RunMetrics.class).toInstance(metrics);
            bind(Trace.class).toInstance(Trace.DISABLED);
            bind(Scheduler.class).toInstance(Scheduler.NONE);
            bind(PageSize.class).toInstance(PageSize.SIZE_4K);
            bind(HypervisorConfig.class).toInstance(HypervisorConfig.defaults().withMachineMemoryBytes(32L << 20));
            bind(GuestHandleResolver.class).toInstance(new TestingGuestHandleResolver());
            bind(ArgumentStrategy.class).toInstance(strategy);
            MapBinder.newMapBinder(binder(), Integer.class, HypercallHandler.class)
                    .addBinding(HypercallNumber.ARCH_0).toInstance((c, a) -> 48);
        }
    }

    static Stream<ArgumentStrategy> strategies() {
        return Stream.of(new PointerStrategyPlugin().create(Parameters.none()),
                embedded());
    }

    private static ArgumentStrategy embedded() {
        EmbeddedStrategyPlugin plugin = new EmbeddedStrategyPlugin();
        return plugin.create(Parameters.of(plugin.parameters(), java.util.Map.of()));
    }

    private static <R> R issue(HypervisorGate gate, ArgumentStrategy strategy, TestingPlacement placement, HypercallRequest<R> request) {
        placement.reset();
        PreparedCall<R> call = strategy.prepare(placement, request);
        return call.complete(gate.hypercall(0, 0, call.op(), call.args()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void wiresUnderAStrictBinderAndRunsEveryHandlerEndToEnd(ArgumentStrategy strategy) {
        RunMetrics metrics = new RunMetrics();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new TestingRunModule(metrics, strategy), new HypervisorModule());
        Hypervisor xen = injector.getInstance(Hypervisor.class);
        assertThat(injector.getInstance(HypervisorGate.class)).isSameAs(xen.gate());
        assertThat(injector.getInstance(Hypervisor.class)).as("one per injector").isSameAs(xen);

        xen.createDomain(new DomainSpec(0, true, 1, 4L << 20, 8L << 20));
        HypervisorGate gate = xen.gate();
        TestingPlacement placement = new TestingPlacement(gate.physicalMemory(0), 4096 - 10, 3 * 4096);
        byte[] text = "dom0 says hi across a page\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(issue(gate, strategy, placement, new ConsoleWriteRequest(text))).isZero();
        assertThat(xen.console().output(0)).isEqualTo(text);

        ReservationOutcome grown = issue(gate, strategy, placement, ReservationRequest.increase(3, 0, ReservationRequest.DOMID_SELF));
        assertThat(grown.result()).isEqualTo(3);
        assertThat(grown.extents()).as("a translated domain: nothing written back").containsExactly(0, 0, 0);

        MulticallOutcome multi = issue(gate, strategy, placement, MulticallRequest.of(
                PlainCall.of(HypercallNumber.XEN_VERSION, 0), new GetDomainInfoListRequest(0, 4)));
        assertThat(multi.result()).isZero();
        assertThat(multi.entries().get(0).result()).isEqualTo(0x40013);
        assertThat(((DomainInfoListOutcome) multi.entries().get(1).outcome()).domains())
                .singleElement().satisfies(d -> assertThat(d.totPages()).isEqualTo(1027));

        assertThat(gate.hypercall(0, 0, HypercallNumber.ARCH_0)).as("the arch's handler joins the table").isEqualTo(48);
        assertThat(gate.hypercall(0, 0, HypercallNumber.DM_OP, 0, 0, 0)).as("dm_op is in the table").isNotEqualTo(-38);
        assertThat(metrics.get(Counter.HYPERCALLS)).isEqualTo(5);
        assertThat(xen.domains()).singleElement().satisfies(d -> assertThat(d.totPages()).isEqualTo(1027));
        assertThat(xen.audit()).isEmpty();
        assertThat(xen.destroyDomain(0)).isTrue();
        assertThat(xen.frames().allocatedFrames()).isZero();
        assertThat(xen.console().output(0)).as("console outlives the domain").isEqualTo(text);
        assertThat(List.of(xen.containedFailures())).containsExactly(0L);
    }
}
