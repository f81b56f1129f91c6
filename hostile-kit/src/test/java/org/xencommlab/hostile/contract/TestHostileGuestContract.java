package org.xencommlab.hostile.contract;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.hostile.fuzz.Breach;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.machine.wiring.LabConfiguration;

/**
 * What a breach looks like to an arch module whose kit test fails: the configuration, the seed, the
 * breach, the shrunk sequence and the replay command, in the assertion's message.
 */
final class TestHostileGuestContract {
    private static final LabConfiguration CONFIGURATION = new LabConfiguration("phys", "pointer", Map.of("mode", "odd"), Map.of());

    private static ConfigurationResult clean() {
        return new ConfigurationResult(CONFIGURATION, 120, Map.of("ok", 60L, "-EFAULT", 60L), Map.of("raw", 120L),
                Optional.empty(), List.of(), List.of(), 0, 0, 0);
    }

    @Test
    void aBreachFailsWithTheSeedTheShrunkSequenceAndTheReplayCommand() {
        FuzzOptions options = FuzzOptions.of(120, 77);
        ConfigurationResult breached = new ConfigurationResult(CONFIGURATION, 43, Map.of("ok", 43L), Map.of("raw", 43L),
                Optional.of(new Breach(42, "canary-changed", "domain 2's canary page 0 changed at byte 100")),
                List.of(17L, 42L), List.of("#17 raw console_io(0x0, 0x10, 0x2000)", "#42 raw memory_op(0x1, 0x3000)"), 0, 0, 0);

        assertThatThrownBy(() -> HostileGuestContract.requireNoBreach(options, List.of(clean(), breached)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("phys/pointer [mode=odd] breached")
                .hasMessageContaining("BREACH on phys/pointer [mode=odd], seed 77: canary-changed after call 42")
                .hasMessageContaining("shrunk to 2 of 43 calls: 17,42")
                .hasMessageContaining("#17 raw console_io(0x0, 0x10, 0x2000)")
                .hasMessageContaining("xencomm-lab fuzz --arch phys --strategy pointer --set mode=odd --replay 77:17,42");
    }

    @Test
    void sessionsWithoutABreachPass() {
        assertThatCode(() -> HostileGuestContract.requireNoBreach(FuzzOptions.of(120, 77), List.of(clean(), clean())))
                .doesNotThrowAnyException();
    }
}
