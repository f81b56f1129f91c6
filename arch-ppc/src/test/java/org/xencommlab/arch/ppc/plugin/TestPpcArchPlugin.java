package org.xencommlab.arch.ppc.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Binding;
import com.google.inject.Key;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.InjectionPoint;
import com.google.inject.spi.LinkedKeyBinding;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.guest.PpcGuestXencomm;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;
import org.xencommlab.arch.ppc.hypervisor.RegistrationHypercall;
import org.xencommlab.arch.ppc.paging.PpcRadixPageTableFormat;

final class TestPpcArchPlugin {
    private final PpcArchPlugin plugin = new PpcArchPlugin();

    @Test
    void serviceLoaderFindsThePlugin() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(ArchPlugin.class).forEach(p -> names.add(p.name()));
        assertThat(names).contains("ppc");
        assertThat(plugin.pageSize()).isEqualTo(PageSize.SIZE_4K);
        assertThat(plugin.description()).doesNotContain("\n").isNotBlank();
    }

    @Test
    void parametersHaveDefaultsValuesAndOneLineDescriptions() {
        assertThat(plugin.parameters()).extracting(ParameterSpec::name)
                .containsExactly("mode", "buffers", "cleanup", "max-registrations", "device-pages");
        plugin.parameters().forEach(spec -> assertThat(spec.description()).isNotBlank().doesNotContain("\n"));
        assertThat(PpcArchPlugin.config(Parameters.of(plugin.parameters(), Map.of()))).isEqualTo(PpcConfig.defaults());
        PpcConfig config = PpcArchPlugin.config(Parameters.of(plugin.parameters(), Map.of(
                "mode", "descriptor", "buffers", "device", "cleanup", "off", "max-registrations", "9", "device-pages", "32")));
        assertThat(config).isEqualTo(new PpcConfig(PpcConfig.Mode.DESCRIPTOR, PpcConfig.BufferSource.DEVICE, false, 9, 32));
        assertThatThrownBy(() -> Parameters.of(plugin.parameters(), Map.of("buffers", "mlock"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plugin.module(Parameters.of(plugin.parameters(), Map.of("max-registrations", "0"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plugin.module(Parameters.of(plugin.parameters(), Map.of("device-pages", "99999999999"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theModuleBindsTheFourSpiTypesAndNoHandlerOfItsOwn() {
        List<Element> elements = Elements.getElements(plugin.module(Parameters.of(plugin.parameters(), Map.of())));
        assertThat(target(elements, PageTableFormat.class)).isEqualTo(PpcRadixPageTableFormat.class);
        assertThat(target(elements, GuestHandleResolver.class)).isEqualTo(PpcGuestHandleResolver.class);
        assertThat(target(elements, GuestXencomm.class)).isEqualTo(PpcGuestXencomm.class);
        assertThat(boundKeys(elements)).contains(Key.get(AddressSpaceLayout.class), Key.get(PpcConfig.class));
        // arch_0 is bound to each domain's registration table by the domain's state, not by Guice.
        assertThat(boundKeys(elements)).doesNotContain(Key.get(RegistrationHypercall.class));
        assertThat(linkedTargets(elements)).doesNotContain(RegistrationHypercall.class);

        List<Element> descriptor = Elements.getElements(plugin.module(Parameters.of(plugin.parameters(), Map.of("mode", "descriptor"))));
        assertThat(linkedTargets(descriptor)).doesNotContain(RegistrationHypercall.class);
        assertThat(target(descriptor, GuestHandleResolver.class)).isEqualTo(PpcGuestHandleResolver.class);
    }

    @Test
    void everyConstructedClassHasAJakartaInjectConstructor() {
        for (Class<?> type : List.of(PpcRadixPageTableFormat.class, PpcGuestHandleResolver.class, PpcGuestXencomm.class)) {
            InjectionPoint point = InjectionPoint.forConstructorOf(type);
            assertThat(((Constructor<?>) point.getMember()).isAnnotationPresent(jakarta.inject.Inject.class)).as(type.getName()).isTrue();
        }
    }

    private static Class<?> target(List<Element> elements, Class<?> type) {
        for (Element element : elements) {
            if (element instanceof LinkedKeyBinding<?> linked && linked.getKey().equals(Key.get(type))) {
                return linked.getLinkedKey().getTypeLiteral().getRawType();
            }
        }
        return null;
    }

    private static List<Key<?>> boundKeys(List<Element> elements) {
        List<Key<?>> keys = new ArrayList<>();
        for (Element element : elements) {
            if (element instanceof Binding<?> binding) {
                keys.add(binding.getKey());
            }
        }
        return keys;
    }

    private static List<Class<?>> linkedTargets(List<Element> elements) {
        List<Class<?>> targets = new ArrayList<>();
        for (Element element : elements) {
            if (element instanceof LinkedKeyBinding<?> linked) {
                targets.add(linked.getLinkedKey().getTypeLiteral().getRawType());
            }
        }
        return targets;
    }
}
