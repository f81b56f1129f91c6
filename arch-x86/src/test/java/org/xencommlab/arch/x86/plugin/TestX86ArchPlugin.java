package org.xencommlab.arch.x86.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Binding;
import com.google.inject.Key;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.InstanceBinding;
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
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

final class TestX86ArchPlugin {
    private final X86ArchPlugin plugin = new X86ArchPlugin();

    @Test
    void serviceLoaderFindsIt() {
        assertThat(ServiceLoader.load(ArchPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(X86ArchPlugin.class);
    }

    @Test
    void describesItself() {
        assertThat(plugin.name()).isEqualTo("x86");
        assertThat(plugin.description()).isNotBlank().doesNotContain("\n");
        assertThat(plugin.pageSize()).isEqualTo(PageSize.SIZE_4K);
        assertThat(plugin.parameters()).extracting(ParameterSpec::name).containsExactly("buffers", "align", "device-limit");
        assertThat(plugin.parameters()).allSatisfy(p -> assertThat(p.description()).isNotBlank().doesNotContain("\n"));
        assertThat(plugin.parameters()).extracting(ParameterSpec::defaultValue).containsExactly("mlock", "page", "64");
    }

    @Test
    void parametersBecomeABufferConfiguration() {
        assertThat(X86ArchPlugin.bufferConfig(Parameters.of(plugin.parameters(), Map.of()))).isEqualTo(X86BufferConfig.defaults());
        assertThat(X86ArchPlugin.bufferConfig(Parameters.of(plugin.parameters(),
                Map.of("buffers", "device", "align", "none", "device-limit", "8"))))
                .isEqualTo(new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.NONE, 8));
        assertThatThrownBy(() -> Parameters.of(plugin.parameters(), Map.of("buffers", "pinned"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X86ArchPlugin.bufferConfig(Parameters.of(plugin.parameters(), Map.of("device-limit", "99999999999"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moduleBindsTheFourArchTypesToInstances() {
        Parameters device = Parameters.of(plugin.parameters(), Map.of("buffers", "device", "device-limit", "16"));
        List<Element> elements = Elements.getElements(plugin.module(device));
        Map<Key<?>, Object> bound = new java.util.LinkedHashMap<>();
        for (Element element : elements) {
            assertThat(element).isInstanceOf(InstanceBinding.class);
            InstanceBinding<?> binding = (InstanceBinding<?>) element;
            bound.put(((Binding<?>) binding).getKey(), binding.getInstance());
        }
        assertThat(bound.keySet()).containsExactlyInAnyOrder(Key.get(PageTableFormat.class), Key.get(AddressSpaceLayout.class),
                Key.get(GuestHandleResolver.class), Key.get(GuestXencomm.class));
        assertThat(bound.get(Key.get(PageTableFormat.class))).isInstanceOf(X86PageTableFormat.class);
        assertThat(bound.get(Key.get(AddressSpaceLayout.class))).isEqualTo(X86AddressSpace.LAYOUT);
        assertThat(bound.get(Key.get(GuestHandleResolver.class))).isInstanceOf(X86GuestHandleResolver.class);
        assertThat(bound.get(Key.get(GuestXencomm.class))).isInstanceOfSatisfying(X86GuestXencomm.class,
                x -> assertThat(x.config()).isEqualTo(new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.PAGE, 16)));
    }

    @Test
    void eachModuleHasItsOwnInstances() {
        Parameters defaults = Parameters.of(plugin.parameters(), Map.of());
        Object first = ((InstanceBinding<?>) Elements.getElements(plugin.module(defaults)).get(3)).getInstance();
        Object second = ((InstanceBinding<?>) Elements.getElements(plugin.module(defaults)).get(3)).getInstance();
        assertThat(first).isNotSameAs(second);
    }
}
