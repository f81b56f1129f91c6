package org.xencommlab.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Binding;
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
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.guest.kernel.GuestKernelFactory;
import org.xencommlab.guest.lib.XcLibraryFactory;
import org.xencommlab.guest.privcmd.Privcmd;
import org.xencommlab.guest.sched.GuestScheduler;

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
                Key.get(XcLibraryFactory.class));
    }

    @Test
    void everyBoundClassHasExactlyOneInjectConstructor() {
        for (Class<?> type : List.of(GuestScheduler.class, GuestKernelFactory.class, Privcmd.class, XcLibraryFactory.class)) {
            Constructor<?>[] annotated = Arrays.stream(type.getConstructors())
                    .filter(c -> c.isAnnotationPresent(Inject.class))
                    .toArray(Constructor<?>[]::new);
            assertThat(annotated).as(type.getSimpleName()).hasSize(1);
        }
    }
}
