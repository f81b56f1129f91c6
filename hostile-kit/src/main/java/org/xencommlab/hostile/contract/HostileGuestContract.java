package org.xencommlab.hostile.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.FuzzReport;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.machine.wiring.LabConfiguration;

/**
 * The hostile-guest contract an arch module's tests extend: a seeded slice of
 * {@code xencomm-lab fuzz} against the module's own arch, on a whole machine wired as the lab wires
 * it, under every strategy on the class path (the kit brings the three standard ones) and in each of
 * the arch's built-in variants. A malicious domain issues random and crafted hypercalls beside two
 * honest domains that hold canary pages; after every call the kit checks that no exception escaped,
 * no honest byte changed or reached the attacker, no quota was passed, the hypervisor's audit
 * and the arch's own recount ({@code DomainArchState.audit()}) are empty, and every address the
 * arch resolved lay in the calling domain's RAM; at the end of each session every process exits and
 * nothing may be left behind ({@code ExitAudit}).
 *
 * <p>The arch is given as an instance ({@link #archUnderTest()}), so a fixture arch that no
 * {@code META-INF/services} file lists is fuzzed the same way. A breach fails the test with the
 * session's report: the configuration, the seed, the breach, the call sequence shrunk to the
 * shortest one found that still breaches, and the {@code xencomm-lab fuzz --replay} command that
 * re-runs it with a trace (for an arch the lab can load).
 *
 * <p>A test that expects a breach (a planted defect) runs {@link Fuzzer#forArch} itself and
 * asserts the opposite of {@link #requireNoBreach}.
 */
public abstract class HostileGuestContract {
    /** The seed of the slice unless {@link #seed()} is overridden. */
    public static final long SEED = 20261205L;

    /** The arch under attack, as an instance of its plugin. */
    protected abstract ArchPlugin archUnderTest();

    /** The seed every call of the slice derives from. */
    protected long seed() {
        return SEED;
    }

    /** Calls per configuration from an unprivileged attacker. */
    protected long calls() {
        return 120;
    }

    /** Calls per configuration from a racing attacker, and again from a privileged one. */
    protected long hostileCalls() {
        return 40;
    }

    /** Configurations fuzzed at a time. */
    protected int threads() {
        return 2;
    }

    /**
     * Fails, with the session's report (seed, breach, shrunk sequence, replay command), when any
     * configuration of {@code results} breached.
     */
    public static void requireNoBreach(FuzzOptions options, List<ConfigurationResult> results) {
        for (ConfigurationResult result : results) {
            assertThat(result.breach())
                    .as("%s breached; the fuzz report:%n%s", result.configuration().label(),
                            FuzzReport.render(options, List.of(result)))
                    .isEmpty();
        }
        assertThat(FuzzReport.breached(results)).isFalse();
    }

    private Fuzzer fuzzer() {
        return Fuzzer.forArch(archUnderTest());
    }

    @Test
    public void everyConfigurationTakesASeededSliceWithoutABreach() {
        Fuzzer fuzzer = fuzzer();
        FuzzOptions options = FuzzOptions.of(calls(), seed()).withThreads(threads());
        List<LabConfiguration> configurations = fuzzer.configurations(options);

        List<ConfigurationResult> results = fuzzer.run(options, r -> {});

        requireNoBreach(options, results);
        assertThat(results).extracting(ConfigurationResult::configuration).containsExactlyElementsOf(configurations);
        assertThat(configurations).extracting(LabConfiguration::arch).containsOnly(archUnderTest().name());
        assertThat(configurations).as("every standard strategy is fuzzed")
                .extracting(LabConfiguration::strategy).contains("pointer", "embedded", "percpu-page");
        assertThat(configurations).as("the arch's built-in variants are fuzzed too")
                .hasSize(configurations.stream().map(LabConfiguration::strategy).distinct().toList().size()
                        * (1 + archUnderTest().variants().size()));
        for (ConfigurationResult r : results) {
            assertThat(r.calls()).as(r.configuration().label()).isEqualTo(calls());
            // The calls reach the handlers: some succeed, many are refused, with several errnos.
            assertThat(r.results()).as(r.configuration().label()).containsKeys("ok", "-EFAULT", "-EINVAL");
            assertThat(r.families()).as(r.configuration().label())
                    .containsKeys("corrupted", "foreign", "huge", "nested", "continuation", "descriptor");
        }
    }

    @Test
    public void aRacingAndAPrivilegedAttackerCauseNoBreachEither() {
        Fuzzer fuzzer = fuzzer();
        FuzzOptions racing = FuzzOptions.of(hostileCalls(), seed() + 1).withRace(true).withThreads(threads());
        FuzzOptions privileged = FuzzOptions.of(hostileCalls(), seed() + 2).withPrivileged(true).withThreads(threads());

        List<ConfigurationResult> raced = fuzzer.run(racing, r -> {});
        List<ConfigurationResult> asDom0 = fuzzer.run(privileged, r -> {});

        requireNoBreach(racing, raced);
        assertThat(raced.stream().mapToLong(ConfigurationResult::raceActions).sum()).as("race actions").isPositive();
        requireNoBreach(privileged, asDom0);
        assertThat(asDom0).allSatisfy(r -> assertThat(r.calls()).isEqualTo(hostileCalls()));
    }

    @Test
    public void theSameSeedGivesTheSameSessionAndTheSameTrace() {
        Fuzzer fuzzer = fuzzer();
        FuzzOptions options = FuzzOptions.of(calls(), seed() + 3);
        LabConfiguration configuration = fuzzer.configurations(options).get(0);

        assertThat(fuzzer.fuzz(configuration, options)).isEqualTo(fuzzer.fuzz(configuration, options));

        List<Long> prefix = LongStream.range(0, Math.min(40, calls())).boxed().toList();
        DetailTrace first = new DetailTrace();
        DetailTrace second = new DetailTrace();
        Fuzzer.Replay a = fuzzer.replay(configuration, options, prefix, first);
        Fuzzer.Replay b = fuzzer.replay(configuration, options, prefix, second);
        assertThat(a).isEqualTo(b);
        assertThat(a.calls()).hasSize(prefix.size());
        assertThat(first.details).isNotEmpty().isEqualTo(second.details);
    }

    /** A trace that keeps every event's detail, in order. */
    private static final class DetailTrace implements Trace {
        private final List<String> details = new ArrayList<>();

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public synchronized void event(TraceKind kind, int domid, Supplier<String> detail) {
            details.add(kind + " d" + domid + " " + detail.get());
        }
    }
}
