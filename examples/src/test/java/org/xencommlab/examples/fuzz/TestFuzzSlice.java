package org.xencommlab.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.examples.lab.RecordingTrace;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.FuzzReport;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * A seeded slice of {@code xencomm-lab fuzz} in every build: every discovered configuration (each
 * arch x strategy and each arch's variants) takes hostile calls from an unprivileged attacker, a
 * racing one and a privileged one, with no breach; and a session is a function of its seed.
 */
final class TestFuzzSlice {
    private static final RunInjectors INJECTORS = new RunInjectors(PluginRegistry.discover());

    @Test
    void everyConfigurationTakesASeededSliceWithoutABreach() {
        FuzzOptions options = FuzzOptions.of(120, 20261205).withThreads(2);
        Fuzzer fuzzer = new Fuzzer(INJECTORS);

        List<ConfigurationResult> results = fuzzer.run(options, r -> {});

        assertThat(results).hasSize(fuzzer.configurations(options).size()).hasSizeGreaterThanOrEqualTo(16);
        for (ConfigurationResult r : results) {
            assertThat(r.breach()).as(r.configuration().label() + ": " + FuzzReport.render(options, List.of(r))).isEmpty();
            assertThat(r.calls()).isEqualTo(120);
            // The calls reach the handlers: some succeed, many are refused, with several errnos.
            assertThat(r.results()).containsKey("ok").containsKey("-EFAULT").containsKey("-EINVAL");
            assertThat(r.families()).containsKeys("corrupted", "foreign", "huge", "nested", "continuation", "descriptor");
        }
        assertThat(FuzzReport.breached(results)).isFalse();
        assertThat(FuzzReport.render(options, results)).contains("breaches: 0");
    }

    @Test
    void aRacingAndAPrivilegedAttackerCauseNoBreachEither() {
        Fuzzer fuzzer = new Fuzzer(INJECTORS);
        FuzzOptions racing = FuzzOptions.of(40, 99).withRace(true).withThreads(2);
        FuzzOptions privileged = FuzzOptions.of(40, 98).withPrivileged(true).withThreads(2);

        List<ConfigurationResult> raced = fuzzer.run(racing, r -> {});
        List<ConfigurationResult> asDom0 = fuzzer.run(privileged, r -> {});

        assertThat(raced).allSatisfy(r -> assertThat(r.breach()).as(r.configuration().label()).isEmpty());
        assertThat(raced.stream().mapToLong(ConfigurationResult::raceActions).sum()).isPositive();
        assertThat(asDom0).allSatisfy(r -> assertThat(r.breach()).as(r.configuration().label()).isEmpty());
    }

    @Test
    void theSameSeedGivesTheSameSessionAndTheSameTrace() {
        Fuzzer fuzzer = new Fuzzer(INJECTORS);
        FuzzOptions options = FuzzOptions.of(120, 4242).withArchs(List.of("ppc")).withStrategies(List.of("pointer"))
                .withSettings(java.util.Map.of("mode", "descriptor"));
        LabConfiguration configuration = fuzzer.configurations(options).get(0);

        assertThat(fuzzer.fuzz(configuration, options)).isEqualTo(fuzzer.fuzz(configuration, options));

        List<Long> prefix = new ArrayList<>(LongStream.range(0, 40).boxed().toList());
        RecordingTrace first = new RecordingTrace(1_000_000);
        RecordingTrace second = new RecordingTrace(1_000_000);
        Fuzzer.Replay a = fuzzer.replay(configuration, options, prefix, first);
        Fuzzer.Replay b = fuzzer.replay(configuration, options, prefix, second);
        assertThat(a).isEqualTo(b);
        assertThat(a.calls()).hasSize(40);
        assertThat(first.events()).extracting(TraceEvent::detail).isEqualTo(second.events().stream().map(TraceEvent::detail).toList());
        assertThat(first.events()).isNotEmpty();
    }
}
