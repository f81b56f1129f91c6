package org.xencommlab.strategy.percpu.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.strategy.percpu.form.PercpuPageStrategy;

/** The plugin is found by ServiceLoader, makes the strategy and declares its one counter. */
final class TestPercpuPageStrategyPlugin {
    @Test
    void thePluginIsFoundByServiceLoaderAndDeclaresItsCounter() {
        StrategyPlugin plugin = ServiceLoader.load(StrategyPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("percpu-page")).findFirst().orElseThrow();
        assertThat(plugin.metrics()).containsExactly(PercpuPageStrategy.PAGE_WAITS);
        assertThat(plugin.metrics()).isEqualTo(plugin.metrics());
        assertThat(plugin.costs()).isEmpty();
        assertThat(plugin.parameters()).isEmpty();
        assertThat(plugin.create(Parameters.of(plugin.parameters(), java.util.Map.of())).name()).isEqualTo("percpu-page");
    }
}
