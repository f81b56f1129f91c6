package org.xencommlab.arch.x86.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.arch.x86.guest.X86BufferConfig;

/**
 * The plugin's variants, and the device limit's own bound: {@link X86ArchPlugin#bufferConfig} takes
 * any {@link Parameters}, not only those its spec checked, so it refuses a limit that does not fit
 * an int and accepts the largest one that does.
 */
final class TestX86PluginEdges {
    private static final List<ParameterSpec> WIDE = List.of(
            ParameterSpec.choice(X86ArchPlugin.BUFFERS, "mlock", "buffers", "mlock", "unlocked", "device"),
            ParameterSpec.choice(X86ArchPlugin.ALIGN, "page", "align", "page", "none"),
            ParameterSpec.number(X86ArchPlugin.DEVICE_LIMIT, 64, 0, Long.MAX_VALUE, "a limit wider than the plugin's"));

    @Test
    void theVariantsAreTheDeviceUnlockedBuffersAndThePackedHeap() {
        assertThat(new X86ArchPlugin().variants()).containsExactly(
                Map.of("buffers", "device"), Map.of("buffers", "unlocked"), Map.of("align", "none"));
    }

    @Test
    void theLargestIntIsALimitAndOneMoreIsNot() {
        X86BufferConfig config = X86ArchPlugin.bufferConfig(Parameters.of(WIDE, Map.of("device-limit", Integer.toString(Integer.MAX_VALUE))));
        assertThat(config.deviceLimitPages()).isEqualTo(Integer.MAX_VALUE);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> X86ArchPlugin.bufferConfig(Parameters.of(WIDE, Map.of("device-limit", Long.toString(Integer.MAX_VALUE + 1L)))))
                .withMessageContaining("device-limit");
    }
}
