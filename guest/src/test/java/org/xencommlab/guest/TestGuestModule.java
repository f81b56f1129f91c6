package org.xencommlab.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.Key;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.LinkedKeyBinding;
import com.google.inject.spi.UntargettedBinding;
import jakarta.inject.Inject;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.strategy.embedded.plugin.EmbeddedStrategyPlugin;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.guest.balloon.BalloonDriverFactory;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.testing.TestingGuestXencomm;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingPageTableFormat;
import org.xencommlab.guest.sched.GuestScheduler;
import org.xencommlab.guest.tools.Dom0ToolsFactory;
import org.xencommlab.guest.xenstore.XenStore;

/** The module's bindings, read with Guice's SPI (the composition root builds the real injector). */
final class TestGuestModule {
    @Test
    void bindsTheRunsGuestServicesAndTheSchedulerAsTheApiScheduler() {
        List<Element> elements = Elements.getElements(new GuestModule());
        Set<Key<?>> keys = new LinkedHashSet<>();
        for (Element element : elements) {
            if (element instanceof Binding<?> binding) {
                keys.add(binding.getKey());
                if (binding.getKey().equals(Key.get(Scheduler.class))) {
                    assertThat(binding).isInstanceOf(LinkedKeyBinding.class);
                    assertThat(((LinkedKeyBinding<?>) binding).getLinkedKey()).isEqualTo(Key.get(GuestScheduler.class));
                } else {
                    assertThat(binding).isInstanceOf(UntargettedBinding.class);
                }
            }
        }
        assertThat(keys).containsExactlyInAnyOrder(
                Key.get(GuestScheduler.class),
                Key.get(Scheduler.class),
                Key.get(GuestKernelFactory.class),
                Key.get(Privcmd.class),
                Key.get(XcLibraryFactory.class),
                Key.get(XenStore.class),
                Key.get(BalloonDriverFactory.class),
                Key.get(Dom0ToolsFactory.class));
    }

    @Test
    void everyBoundClassHasExactlyOneInjectConstructor() {
        for (Class<?> type : List.of(GuestScheduler.class, GuestKernelFactory.class, Privcmd.class, XcLibraryFactory.class,
                XenStore.class, BalloonDriverFactory.class, Dom0ToolsFactory.class)) {
            Constructor<?>[] annotated = Arrays.stream(type.getConstructors())
                    .filter(c -> c.isAnnotationPresent(Inject.class))
                    .toArray(Constructor<?>[]::new);
            assertThat(annotated).as(type.getSimpleName()).hasSize(1);
        }
    }

    @Test
    void resolvesUnderAStrictBinderWithTheDocumentedRequirements() {
        ArgumentStrategy strategy = new EmbeddedStrategyPlugin().create(Parameters.of(
                new EmbeddedStrategyPlugin().parameters(), java.util.Map.of()));
        HypervisorGate gate = TestingMachine.hypervisorInjector(strategy, Scheduler.NONE, new RunMetrics(), TestingMachine.HYPERVISOR)
                .getInstance(org.xencommlab.hypervisor.control.Hypervisor.class).gate();
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new GuestModule(), new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                binder().requireAtInjectOnConstructors();
                binder().disableCircularProxies();
                bind(HypervisorGate.class).toInstance(gate);
                bind(PageTableFormat.class).toInstance(new TestingPageTableFormat());
                bind(AddressSpaceLayout.class).toInstance(TestingMachine.LAYOUT);
                bind(PageSize.class).toInstance(TestingMachine.PAGE);
                bind(GuestXencomm.class).toInstance(new TestingGuestXencomm(true));
                bind(ArgumentStrategy.class).toInstance(strategy);
                bind(HandleSiteFinder.class).toInstance(strategy.handleSites());
                bind(RunMetrics.class).toInstance(new RunMetrics());
                bind(Trace.class).toInstance(Trace.DISABLED);
                bind(GuestConfig.class).toInstance(GuestConfig.defaults());
            }
        });
        assertThat(injector.getInstance(XenStore.class)).isSameAs(injector.getInstance(XenStore.class));
        assertThat(injector.getInstance(Dom0ToolsFactory.class)).isSameAs(injector.getInstance(Dom0ToolsFactory.class));
        assertThat(injector.getInstance(BalloonDriverFactory.class)).isNotNull();
    }
}
