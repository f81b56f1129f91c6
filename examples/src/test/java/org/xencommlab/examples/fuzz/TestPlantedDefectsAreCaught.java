package org.xencommlab.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.hostile.fuzz.Breach;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.FuzzReport;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.hostile.fuzz.PlantedDefect;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The checks bite: a defect planted in the machine (as a buggy handler would do it) is found,
 * reported as a breach with the seed, and its call sequence is shrunk to the one call that triggers
 * it, which a replay reproduces.
 */
final class TestPlantedDefectsAreCaught {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());
    private static final long SEED = 31;

    /** A console handler that, after a successful write, scribbles on a neighbour's frame. */
    private static final PlantedDefect SCRIBBLING_CONSOLE = (call, world) -> {
        long[] args = call.args();
        if (call.op() == HypercallNumber.CONSOLE_IO && call.result() == 0 && args.length > 0 && args[0] == SubOps.ConsoleIo.WRITE) {
            world.scribbleOnCanary();
        }
    };

    /** A memory_op that, after a success, leaves an honest domain's bytes in the caller's memory. */
    private static final PlantedDefect LEAKING_MEMORY_OP = (call, world) -> {
        if (call.op() == HypercallNumber.MEMORY_OP && call.result() > 0) {
            world.leakCanaryToAttacker();
        }
    };

    @Test
    void aHandlerThatScribblesOnAnHonestCanaryIsCaughtAndShrunkToOneCall() {
        for (String arch : List.of("x86", "ppc")) {
            FuzzOptions options = FuzzOptions.of(2000, SEED).withArchs(List.of(arch)).withStrategies(List.of("pointer"))
                    .withSettings(Map.of(arch.equals("x86") ? "buffers" : "mode", arch.equals("x86") ? "mlock" : "registration"));
            Fuzzer fuzzer = new Fuzzer(INJECTORS, SCRIBBLING_CONSOLE);
            List<ConfigurationResult> results = fuzzer.run(options, r -> {});

            ConfigurationResult result = results.get(0);
            assertThat(result.breach()).as(arch).isPresent();
            Breach breach = result.breach().get();
            assertThat(breach.kind()).isEqualTo("canary-changed");
            assertThat(result.calls()).isEqualTo(breach.call() + 1).isLessThan(2000);
            assertThat(result.shrunk()).as("shrunk to the one console write").hasSize(1);
            assertThat(result.shrunkCalls()).singleElement().asString().contains("console_io(0x0");

            String report = FuzzReport.render(options, results);
            assertThat(FuzzReport.breached(results)).isTrue();
            assertThat(report).contains("BREACH on " + result.configuration().label() + ", seed " + SEED)
                    .contains("shrunk to 1 of " + (breach.call() + 1) + " calls: " + result.shrunk().get(0))
                    .contains("--replay " + SEED + ":" + result.shrunk().get(0) + ",\n")
                    .contains("breaches: 1");

            Fuzzer.Replay replay = fuzzer.replay(result.configuration(), options, result.shrunk(), Trace.DISABLED);
            assertThat(replay.breach()).isPresent().get().extracting(Breach::kind).isEqualTo("canary-changed");
            // Without the defect, the same single call is harmless.
            assertThat(new Fuzzer(INJECTORS).replay(result.configuration(), options, result.shrunk(), Trace.DISABLED).breach())
                    .isEmpty();
        }
    }

    @Test
    void honestBytesCopiedIntoTheAttackersMemoryAreCaught() {
        FuzzOptions options = FuzzOptions.of(2000, SEED).withArchs(List.of("x86")).withStrategies(List.of("embedded"))
                .withSettings(Map.of("buffers", "mlock"));
        Fuzzer fuzzer = new Fuzzer(INJECTORS, LEAKING_MEMORY_OP);
        LabConfiguration configuration = fuzzer.configurations(options).get(0);

        ConfigurationResult result = fuzzer.fuzz(configuration, options);

        assertThat(result.breach()).isPresent();
        assertThat(result.breach().get().kind()).isEqualTo("canary-leaked");
        assertThat(result.breach().get().detail()).contains("holds an honest canary");
        assertThat(result.shrunk()).hasSize(1);
        assertThat(result.shrunkCalls()).singleElement().asString().contains("memory_op");
    }
}
