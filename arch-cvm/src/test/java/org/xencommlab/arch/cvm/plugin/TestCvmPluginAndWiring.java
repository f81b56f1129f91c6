package org.xencommlab.arch.cvm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.guest.CvmGuestXencomm;
import org.xencommlab.arch.cvm.hypervisor.CvmGuestHandleResolver;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;
import org.xencommlab.arch.cvm.paging.CvmPageTableFormat;

/**
 * The cvm plugin as the runner sees it: its name, parameters, variants, metrics and costs; the
 * configuration its parameters make, with the pool size's bounds checked even for parameters its
 * own spec did not check; and the module, which under a strict injector binds each arch type to
 * one instance per injector.
 */
final class TestCvmPluginAndWiring {
    private final CvmArchPlugin plugin = new CvmArchPlugin();

    private static final List<ParameterSpec> WIDE = List.of(
            ParameterSpec.choice(CvmArchPlugin.BUFFERS, "bounce", "buffers", "bounce", "shared"),
            ParameterSpec.number(CvmArchPlugin.BOUNCE_PAGES, 256, Long.MIN_VALUE, Long.MAX_VALUE, "a range wider than the plugin's"));

    private static CvmConfig wide(long pages) {
        return CvmArchPlugin.config(Parameters.of(WIDE, Map.of(CvmArchPlugin.BOUNCE_PAGES, Long.toString(pages))));
    }

    @Test
    void theServiceLoaderFindsItAndItDescribesItself() {
        assertThat(ServiceLoader.load(ArchPlugin.class).stream().map(ServiceLoader.Provider::type)).contains(CvmArchPlugin.class);
        assertThat(plugin.name()).isEqualTo("cvm");
        assertThat(plugin.description()).startsWith("confidential VM").doesNotContain("\n");
        assertThat(plugin.pageSize()).isEqualTo(PageSize.SIZE_4K);
        assertThat(plugin.parameters()).extracting(ParameterSpec::name).containsExactly("buffers", "bounce-pages");
        assertThat(plugin.parameters()).extracting(ParameterSpec::defaultValue).containsExactly("bounce", "256");
        assertThat(plugin.variants()).containsExactly(Map.of("buffers", "shared"));
    }

    @Test
    void itDeclaresCvmsOwnMetricsAndCostsInReportOrder() {
        assertThat(plugin.metrics()).extracting(MetricDefinition::name).containsExactly(
                "cvmPagesConverted", "cvmConversionCalls", "cvmBytesBounced", "cvmPrivateRefusals", "cvmPagesLeaked",
                "cvmPoolFullRefusals", "cvmPoolSlots", "cvmSharedPages");
        assertThat(plugin.metrics()).isEqualTo(CvmMetrics.metrics());
        assertThat(plugin.costs()).containsExactly(CvmMetrics.GUEST_EXIT, CvmMetrics.TLB_SHOOTDOWN, CvmMetrics.PAGE_TABLE_UPDATE, CvmMetrics.CACHE_FLUSH);
        assertThat(plugin.costs()).isEqualTo(CvmMetrics.costs());
    }

    @Test
    void parametersMakeAConfigurationAndThePoolSizeIsBoundedBothWays() {
        assertThat(CvmArchPlugin.config(Parameters.of(plugin.parameters(), Map.of()))).isEqualTo(CvmConfig.defaults());
        assertThat(CvmArchPlugin.config(Parameters.of(plugin.parameters(), Map.of("buffers", "shared", "bounce-pages", "64"))))
                .isEqualTo(new CvmConfig(CvmConfig.BufferMode.SHARED, 64));
        assertThat(wide(CvmConfig.MIN_BOUNCE_PAGES).bouncePages()).isEqualTo(64);
        assertThat(wide(CvmConfig.MAX_BOUNCE_PAGES).bouncePages()).isEqualTo(1 << 18);
        assertThatIllegalArgumentException().isThrownBy(() -> wide(CvmConfig.MIN_BOUNCE_PAGES - 1)).withMessageContaining("'63' for bounce-pages");
        assertThatIllegalArgumentException().isThrownBy(() -> wide(CvmConfig.MAX_BOUNCE_PAGES + 1)).withMessageContaining("'262145' for bounce-pages");
        assertThatIllegalArgumentException().isThrownBy(() -> wide(1L << 32)).withMessageContaining("bounce-pages");
    }

    @Test
    void theConfigurationTakesExactlyItsBounds() {
        assertThat(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 64).bouncePages()).isEqualTo(64);
        assertThat(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 1 << 18).bouncePages()).isEqualTo(1 << 18);
        assertThatIllegalArgumentException().isThrownBy(() -> new CvmConfig(CvmConfig.BufferMode.BOUNCE, 63));
        assertThatIllegalArgumentException().isThrownBy(() -> new CvmConfig(CvmConfig.BufferMode.BOUNCE, (1 << 18) + 1));
    }

    @Test
    void linuxsPoolIsSixPercentOfRamBetween64MibAnd1Gib() {
        assertThat(CvmConfig.linuxPoolBytes(0)).isEqualTo(64L << 20);
        assertThat(CvmConfig.linuxPoolBytes(1L << 30)).as("6% of 1 GiB is under 64 MiB").isEqualTo(64L << 20);
        assertThat(CvmConfig.linuxPoolBytes(2L << 30)).isEqualTo((2L << 30) / 100 * 6);
        assertThat(CvmConfig.linuxPoolBytes(10_000L << 20)).isEqualTo(600L << 20);
        assertThat(CvmConfig.linuxPoolBytes(64L << 30)).isEqualTo(1L << 30);
    }

    @Test
    void theModuleBindsEachArchTypeToOneInstancePerInjectorUnderAStrictBinder() {
        CvmConfig config = new CvmConfig(CvmConfig.BufferMode.SHARED, 128);
        Injector injector = Guice.createInjector(binder -> {
            binder.requireExplicitBindings();
            binder.install(plugin.module(Parameters.of(plugin.parameters(), Map.of("buffers", "shared", "bounce-pages", "128"))));
        });

        assertThat(injector.getInstance(CvmConfig.class)).isEqualTo(config);
        assertThat(injector.getInstance(PageTableFormat.class)).isInstanceOf(CvmPageTableFormat.class);
        assertThat(injector.getInstance(AddressSpaceLayout.class)).isSameAs(CvmAddressSpace.LAYOUT);
        assertThat(injector.getInstance(GuestHandleResolver.class)).isInstanceOf(CvmGuestHandleResolver.class)
                .isSameAs(injector.getInstance(GuestHandleResolver.class))
                .isSameAs(injector.getInstance(CvmGuestHandleResolver.class));
        GuestXencomm xencomm = injector.getInstance(GuestXencomm.class);
        assertThat(xencomm).isInstanceOfSatisfying(CvmGuestXencomm.class, x -> assertThat(x.config()).isEqualTo(config))
                .isSameAs(injector.getInstance(GuestXencomm.class))
                .isSameAs(injector.getInstance(CvmGuestXencomm.class));
        assertThat(xencomm).hasToString("cvm guest xencomm " + config);

        Injector other = Guice.createInjector(new CvmModule(config));
        assertThat(other.getInstance(GuestXencomm.class)).isNotSameAs(xencomm);
    }
}
