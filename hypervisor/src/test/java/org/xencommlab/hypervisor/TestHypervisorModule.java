package org.xencommlab.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.hypercall.SubOps.ConsoleIo;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.domain.DomainSpec;

final class TestHypervisorModule {
    /** What the composition root and an arch module bind beside the hypervisor module. */
    private static final class TestingRunModule extends AbstractModule {
        private final RunMetrics metrics;

        TestingRunModule(RunMetrics metrics) {
            this.metrics = metrics;
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
            MapBinder.newMapBinder(binder(), Integer.class, HypercallHandler.class)
                    .addBinding(HypercallNumber.ARCH_0).toInstance((c, a) -> 48);
        }
    }

    @Test
    void wiresUnderAStrictBinderAndRunsAConsoleWriteEndToEnd() {
        RunMetrics metrics = new RunMetrics();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new TestingRunModule(metrics), new HypervisorModule());
        Hypervisor xen = injector.getInstance(Hypervisor.class);
        assertThat(injector.getInstance(HypervisorGate.class)).isSameAs(xen.gate());
        assertThat(injector.getInstance(Hypervisor.class)).as("one per injector").isSameAs(xen);

        xen.createDomain(DomainSpec.dom0(4L << 20));
        HypervisorGate gate = xen.gate();
        byte[] text = "dom0 says hi across a page\n".getBytes(StandardCharsets.US_ASCII);
        gate.physicalMemory(0).write(4096 - 10, text, 0, 10);
        gate.physicalMemory(0).write(4096, text, 10, text.length - 10);
        assertThat(gate.hypercall(0, 0, HypercallNumber.CONSOLE_IO, ConsoleIo.WRITE, text.length, 4096 - 10)).isZero();
        assertThat(xen.console().output(0)).isEqualTo(text);
        assertThat(gate.hypercall(0, 0, HypercallNumber.XEN_VERSION, 0)).isEqualTo(0x40013);
        assertThat(gate.hypercall(0, 0, HypercallNumber.ARCH_0)).as("the arch's handler joins the table").isEqualTo(48);
        assertThat(metrics.get(Counter.HYPERCALLS)).isEqualTo(3);
        assertThat(xen.domains()).singleElement().satisfies(d -> assertThat(d.totPages()).isEqualTo(1024));
        assertThat(xen.frames().allocatedFrames()).isEqualTo(1024);
        assertThat(xen.audit()).isEmpty();
        assertThat(xen.destroyDomain(0)).isTrue();
        assertThat(xen.frames().allocatedFrames()).isZero();
        assertThat(xen.console().output(0)).as("console outlives the domain").isEqualTo(text);
    }
}
