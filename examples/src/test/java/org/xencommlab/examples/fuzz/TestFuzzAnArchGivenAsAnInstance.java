package org.xencommlab.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.examples.wiring.TestingDelegatingArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.hostile.fuzz.PlantedDefect;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;

/**
 * The hostile-guest kit's entry for an arch given as an instance ({@link Fuzzer#forArch}): an arch
 * that no services file lists (here x86 under another name) is fuzzed under every strategy on the
 * class path, and alone; a defect is caught and reported as the kit's contract reports it. The
 * seeded slice of every built-in arch runs in the arch modules' own builds (their
 * {@code Test…HostileGuest}, extending {@link HostileGuestContract}).
 */
final class TestFuzzAnArchGivenAsAnInstance {
    private static final PlantedDefect SCRIBBLING_CONSOLE = (call, world) -> {
        long[] args = call.args();
        if (call.op() == HypercallNumber.CONSOLE_IO && call.result() == 0 && args.length > 0 && args[0] == SubOps.ConsoleIo.WRITE) {
            world.scribbleOnCanary();
        }
    };

    @Test
    void anArchListedInNoServicesFileIsFuzzedUnderEveryStrategyWithoutABreach() {
        ArchPlugin twin = new TestingDelegatingArchPlugin();
        Fuzzer fuzzer = Fuzzer.forArch(twin);
        FuzzOptions options = FuzzOptions.of(60, 5).withThreads(2);

        List<LabConfiguration> configurations = fuzzer.configurations(options);
        List<ConfigurationResult> results = fuzzer.run(options, r -> {});

        assertThat(configurations).extracting(LabConfiguration::arch).containsOnly("testing-x86-twin");
        assertThat(configurations).extracting(LabConfiguration::strategy)
                .containsExactlyInAnyOrderElementsOf(PluginRegistry.discover().strategyNames());
        HostileGuestContract.requireNoBreach(options, results);
        assertThat(results).allSatisfy(r -> assertThat(r.results()).containsKeys("ok", "-EFAULT"));
    }

    @Test
    void aDefectOnAnArchGivenAsAnInstanceFailsTheContractWithTheSeedAndTheShrunkSequence() {
        FuzzOptions options = FuzzOptions.of(2000, 31).withStrategies(List.of("pointer")).withThreads(1);
        List<ConfigurationResult> results = Fuzzer.forArch(new TestingDelegatingArchPlugin(), SCRIBBLING_CONSOLE)
                .run(options, r -> {});

        assertThatThrownBy(() -> HostileGuestContract.requireNoBreach(options, results))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BREACH on testing-x86-twin/pointer, seed 31: canary-changed")
                .hasMessageContainingAll("shrunk to 1 of ", "console_io(0x0",
                        "xencomm-lab fuzz --arch testing-x86-twin --strategy pointer --replay 31:");
    }

    @Test
    void aRegistryOfGivenArchsRefusesNoneAndTwoOfOneName() {
        ClassLoader loader = TestFuzzAnArchGivenAsAnInstance.class.getClassLoader();
        assertThatThrownBy(() -> PluginRegistry.withArchs(List.of(), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no arch plugin given");
        assertThatThrownBy(() -> PluginRegistry.withArchs(List.of(new TestingDelegatingArchPlugin(),
                new TestingDelegatingArchPlugin()), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two arch plugins are named 'testing-x86-twin'");
        PluginRegistry registry = PluginRegistry.withArchs(List.of(new TestingDelegatingArchPlugin()), loader);
        assertThat(registry.archNames()).containsExactly("testing-x86-twin");
        assertThat(registry.strategyNames()).isEqualTo(PluginRegistry.discover().strategyNames());
    }
}
