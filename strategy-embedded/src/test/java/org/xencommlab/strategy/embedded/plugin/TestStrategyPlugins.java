package org.xencommlab.strategy.embedded.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.strategy.embedded.form.EmbeddedStrategy;

final class TestStrategyPlugins {
    private static StrategyPlugin plugin(String name) {
        return ServiceLoader.load(StrategyPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bothStrategiesAreListedInMetaInfServices() {
        List<String> names = ServiceLoader.load(StrategyPlugin.class).stream().map(p -> p.get().name()).toList();
        assertThat(names).containsExactlyInAnyOrder("pointer", "embedded");
    }

    @Test
    void eachPluginMakesANewStrategyOfItsForm() {
        StrategyPlugin pointer = plugin("pointer");
        ArgumentStrategy a = pointer.create(Parameters.of(pointer.parameters(), Map.of()));
        ArgumentStrategy b = pointer.create(Parameters.of(pointer.parameters(), Map.of()));
        assertThat(a).isNotSameAs(b);
        assertThat(a.form()).isEqualTo(AbiForm.POINTER);
        assertThat(a.name()).isEqualTo("pointer");
        assertThat(pointer.description()).isNotBlank();
    }

    @Test
    void embeddedTakesMaxBlock() {
        StrategyPlugin embedded = plugin("embedded");
        EmbeddedStrategy byDefault = (EmbeddedStrategy) embedded.create(Parameters.of(embedded.parameters(), Map.of()));
        assertThat(byDefault.maxBlock()).isEqualTo(4096);
        assertThat(byDefault.form()).isEqualTo(AbiForm.EMBEDDED);
        EmbeddedStrategy small = (EmbeddedStrategy) embedded.create(Parameters.of(embedded.parameters(), Map.of("max-block", "512")));
        assertThat(small.maxBlock()).isEqualTo(512);
        assertThatThrownBy(() -> embedded.create(Parameters.of(embedded.parameters(), Map.of("max-block", "100"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-block");
    }
}
