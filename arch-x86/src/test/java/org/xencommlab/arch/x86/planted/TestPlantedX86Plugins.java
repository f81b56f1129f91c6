package org.xencommlab.arch.x86.planted;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;

/** The planted backends as plug-ins: never discovered, the real x86 wiring with one defective half. */
final class TestPlantedX86Plugins {
    @Test
    void discoveryNeverFindsAPlantedBackend() {
        assertThat(ServiceLoader.load(ArchPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(X86ArchPlugin.class)
                .allSatisfy(type -> assertThat(type.getPackageName()).isNotEqualTo(PlantedX86Plugins.class.getPackageName()));
        assertThat(ServiceLoader.load(ArchPlugin.class).stream().map(p -> p.get().name()))
                .doesNotContain(PlantedX86Plugins.FRAME_BOUND_SKIPPING, PlantedX86Plugins.MAPPING_CLOSE_FORGETTING);
    }

    @Test
    void theFrameBoundSkippingPluginIsX86WithItsResolverReplaced() {
        ArchPlugin plugin = PlantedX86Plugins.frameBoundSkipping();
        Injector injector = wire(plugin, Map.of());

        assertThat(plugin.name()).isEqualTo(PlantedX86Plugins.FRAME_BOUND_SKIPPING);
        assertThat(plugin.description()).startsWith("PLANTED DEFECT").doesNotContain("\n");
        assertThat(plugin.pageSize()).isEqualTo(new X86ArchPlugin().pageSize());
        assertThat(plugin.parameters()).isEqualTo(new X86ArchPlugin().parameters());
        assertThat(plugin.variants()).isEmpty();
        assertThat(injector.getInstance(GuestHandleResolver.class)).isInstanceOf(FrameBoundSkippingResolver.class);
        assertThat(injector.getInstance(GuestXencomm.class)).isInstanceOf(X86GuestXencomm.class);
    }

    @Test
    void theMappingCloseForgettingPluginIsX86WithItsGuestHalfReplacedAndDeviceBuffersByDefault() {
        ArchPlugin plugin = PlantedX86Plugins.mappingCloseForgetting();
        Injector injector = wire(plugin, Map.of());

        assertThat(plugin.name()).isEqualTo(PlantedX86Plugins.MAPPING_CLOSE_FORGETTING);
        assertThat(plugin.parameters()).extracting(ParameterSpec::name).containsExactly("buffers", "align", "device-limit");
        assertThat(plugin.parameters()).extracting(ParameterSpec::defaultValue).containsExactly("device", "page", "64");
        assertThat(injector.getInstance(GuestHandleResolver.class)).isInstanceOf(X86GuestHandleResolver.class);
        assertThat(injector.getInstance(GuestXencomm.class)).isInstanceOf(MappingCloseForgettingXencomm.class)
                .hasToString("x86 guest xencomm whose device mappings have no close hook (planted defect) "
                        + X86ArchPlugin.bufferConfig(Parameters.of(plugin.parameters(), Map.of())));
    }

    private static Injector wire(ArchPlugin plugin, Map<String, String> settings) {
        return Guice.createInjector(Stage.PRODUCTION, binder -> {
            binder.requireExplicitBindings();
            binder.requireAtInjectOnConstructors();
            binder.disableCircularProxies();
        }, plugin.module(Parameters.of(plugin.parameters(), settings)));
    }
}
