package org.xencommlab.machine.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.plugin.ParameterSpec;

/** {@code --set} pairs routed to the plugin that declares each key; an unknown key names the valid ones. */
final class TestPluginSettings {
    private static final List<ParameterSpec> DECLARED = List.of(
            ParameterSpec.choice("mode", "registration", "how buffers are named", "registration", "descriptor"),
            ParameterSpec.choice("cleanup", "on", "whether buffers are given back", "on", "off"));

    @Test
    void selectKeepsOnlyTheDeclaredKeysSortedByName() {
        Map<String, String> sets = Map.of("mode", "descriptor", "buffers", "device", "cleanup", "off");

        assertThat(PluginSettings.select(sets, DECLARED)).containsExactly(Map.entry("cleanup", "off"), Map.entry("mode", "descriptor"));
        assertThat(PluginSettings.select(Map.of("buffers", "device"), DECLARED)).isEmpty();
    }

    @Test
    void anUnknownKeyNamesTheValidOnes() {
        assertThatThrownBy(() -> PluginSettings.requireKnown(Map.of("colour", "blue"), DECLARED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting 'colour'; valid: cleanup, mode");
        assertThatThrownBy(() -> PluginSettings.requireKnown(Map.of("colour", "blue"), List.of()))
                .hasMessage("unknown setting 'colour'; valid: none");
        assertThatCode(() -> PluginSettings.requireKnown(Map.of("mode", "anything"), DECLARED)).doesNotThrowAnyException();
    }

    @Test
    void aCallerMayAcceptMoreKeysAndSayWhereAnUnknownOneLives() {
        assertThatCode(() -> PluginSettings.requireKnown(Map.of("machine-memory", "64M"), DECLARED, List.of("machine-memory"),
                "", key -> "")).doesNotThrowAnyException();
        assertThatThrownBy(() -> PluginSettings.requireKnown(Map.of("pages", "4"), DECLARED, List.of("machine-memory"),
                " for x86/pointer", key -> "; it is a parameter of scenario " + key + "-owner"))
                .hasMessage("unknown setting 'pages' for x86/pointer; it is a parameter of scenario pages-owner; valid: "
                        + "cleanup, machine-memory, mode");
    }

    @Test
    void aConfigurationsLabelNamesArchStrategyAndEveryParameter() {
        LabConfiguration configuration = new LabConfiguration("ppc", "pointer", Map.of("mode", "descriptor"), Map.of("max-block", "8"));

        assertThat(configuration.label()).isEqualTo("ppc/pointer [max-block=8,mode=descriptor]");
        assertThat(LabConfiguration.of("x86", "embedded").label()).isEqualTo("x86/embedded");
    }
}
