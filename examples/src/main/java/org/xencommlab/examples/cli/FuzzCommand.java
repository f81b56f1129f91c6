package org.xencommlab.examples.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.xencommlab.examples.lab.RecordingTrace;
import org.xencommlab.examples.lab.SettingsRouter;
import org.xencommlab.examples.lab.TraceWriter;
import org.xencommlab.hostile.fuzz.ConfigurationResult;
import org.xencommlab.hostile.fuzz.FuzzConfigurations;
import org.xencommlab.hostile.fuzz.FuzzOptions;
import org.xencommlab.hostile.fuzz.FuzzReport;
import org.xencommlab.hostile.fuzz.Fuzzer;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xencomm-lab fuzz}: a malicious domain issues random and crafted hypercalls on every chosen
 * configuration while honest domains work beside it; every call is checked. Exit 0: no breach;
 * 1: a breach (the seed, the shrunk sequence and the replay command are printed); 2: a usage error.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Attack the hypervisor from a malicious domain with random and crafted hypercalls on every"
                + " configuration (each arch x each strategy, plus each arch's variants), checking after every call that"
                + " nothing escaped, no honest byte changed or leaked, no quota was passed and every recount is exact.",
                "Exit 1 on a breach, printing the seed and a shrunk call sequence that reproduces it."})
final class FuzzCommand implements Callable<Integer> {
    /** Events kept for a replay's trace. */
    static final int TRACE_LIMIT = 2_000_000;

    private final PluginRegistry registry;
    private final java.util.function.Function<RunInjectors, Fuzzer> fuzzers;

    @Spec
    private CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH", split = ",", description = "Arch backends to attack (repeatable; default all).")
    private List<String> archs = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "STRATEGY", split = ",", description = "Argument strategies (repeatable; default all).")
    private List<String> strategies = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "An arch or strategy parameter (repeatable); replaces the built-in variants with exactly that configuration.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--hypercalls", paramLabel = "N", defaultValue = "10000",
            description = "Hostile calls per configuration (default ${DEFAULT-VALUE}).")
    private long hypercalls;

    @Option(names = "--seed", defaultValue = "1", description = "The seed every call derives from (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--race", description = "A guest activity rewrites the call's memory, takes pages from under its"
            + " page-table entries, unregisters buffers and gives frames back at scheduling points during each call.")
    private boolean race;

    @Option(names = "--privileged", description = "The attacker is the control domain (sysctl, dm_op allowed);"
            + " without it those must be refused.")
    private boolean privileged;

    @Option(names = "--replay", paramLabel = "SEED:CALL",
            description = "Re-run calls 0..CALL of seed SEED (or SEED:I,J,K: exactly those calls, as a breach report"
                    + " prints them; SEED:I, with a trailing comma: call I alone) with a text trace, on the"
                    + " configurations named (no variants).")
    private String replay;

    @Option(names = "--threads", description = "Configurations at a time (default: one per core).")
    private Integer threads;

    FuzzCommand(PluginRegistry registry) {
        this(registry, Fuzzer::new);
    }

    /** A command whose fuzzer is made by {@code fuzzers} (a test plants a defect this way). */
    FuzzCommand(PluginRegistry registry, java.util.function.Function<RunInjectors, Fuzzer> fuzzers) {
        this.registry = requireNonNull(registry, "registry is null");
        this.fuzzers = requireNonNull(fuzzers, "fuzzers is null");
    }

    @Override
    public Integer call() {
        archs.forEach(registry::arch);
        strategies.forEach(registry::strategy);
        int cores = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        FuzzOptions options;
        try {
            options = new FuzzOptions(archs, strategies, settings, hypercalls, seed, race, privileged, cores);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        RunInjectors injectors = new RunInjectors(registry);
        Fuzzer fuzzer = fuzzers.apply(injectors);
        PrintWriter out = spec.commandLine().getOut();
        if (replay != null) {
            return replay(fuzzer, options, out);
        }
        List<LabConfiguration> configurations;
        try {
            configurations = FuzzConfigurations.of(registry, options.archs(), options.strategies(), options.settings(), true,
                    SettingsRouter::requireKnown);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        int[] done = {0};
        List<ConfigurationResult> results = fuzzer.run(configurations, options, r -> {
            done[0]++;
            err.printf("fuzz: %d/%d %s: %,d calls, %s%n", done[0], configurations.size(), r.configuration().label(),
                    r.calls(), r.breach().map(b -> "BREACH " + b.kind()).orElse("0 breaches"));
            err.flush();
        }, (configuration, calls) -> {
            err.printf("fuzz: %s: %,d calls, 0 breaches so far (%.0f s)%n", configuration.label(), calls,
                    (System.nanoTime() - started) / 1e9);
            err.flush();
        });
        out.print(FuzzReport.render(options, results));
        out.flush();
        err.printf("fuzz: took %.1f s%n", (System.nanoTime() - started) / 1e9);
        err.flush();
        return FuzzReport.breached(results) ? XencommLabCommand.EXIT_FAILED : 0;
    }

    private int replay(Fuzzer fuzzer, FuzzOptions base, PrintWriter out) {
        int colon = replay.indexOf(':');
        if (colon <= 0 || colon == replay.length() - 1) {
            throw new UsageException("--replay wants SEED:CALL or SEED:I,J,K, not '" + replay + "'");
        }
        long replaySeed;
        List<Long> sequence = new ArrayList<>();
        try {
            replaySeed = Long.parseLong(replay.substring(0, colon).strip());
            String calls = replay.substring(colon + 1);
            if (calls.contains(",")) {
                // One trailing comma makes a list of one: "7:30781," is call 30781 alone, not 0..30781.
                String list = calls.endsWith(",") ? calls.substring(0, calls.length() - 1) : calls;
                for (String piece : list.split(",", -1)) {
                    sequence.add(Long.parseLong(piece.strip()));
                }
            } else {
                long last = Long.parseLong(calls.strip());
                if (last < 0 || last > 100_000_000L) {
                    throw new UsageException("--replay CALL must be between 0 and 100000000, not " + last);
                }
                for (long i = 0; i <= last; i++) {
                    sequence.add(i);
                }
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--replay wants SEED:CALL or SEED:I,J,K with whole numbers, not '" + replay + "'");
        }
        if (sequence.stream().anyMatch(i -> i < 0)) {
            throw new UsageException("--replay: call numbers are not negative");
        }
        FuzzOptions options = new FuzzOptions(base.archs(), base.strategies(), base.settings(), base.calls(), replaySeed,
                base.race(), base.privileged(), 1);
        List<LabConfiguration> configurations;
        try {
            configurations = FuzzConfigurations.of(registry, options.archs(), options.strategies(), options.settings(), false,
                    SettingsRouter::requireKnown);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean breached = false;
        for (LabConfiguration configuration : configurations) {
            RecordingTrace trace = new RecordingTrace(TRACE_LIMIT);
            Fuzzer.Replay result = fuzzer.replay(configuration, options, sequence, trace);
            out.println("replay on " + configuration.label() + ", seed " + replaySeed + ", " + sequence.size() + " calls");
            try {
                new TraceWriter(trace, configuration.label() + " fuzz seed " + replaySeed).write(out, TraceWriter.Format.TEXT);
            } catch (IOException e) {
                throw new UsageException("cannot write the trace: " + e.getMessage());
            }
            if (trace.dropped() > 0) {
                out.println("(" + trace.dropped() + " events beyond the first " + TRACE_LIMIT + " not shown)");
            }
            result.calls().forEach(c -> out.println("call " + c));
            out.println(result.breach().map(b -> "BREACH: " + b).orElse("no breach"));
            breached |= result.breach().isPresent();
        }
        out.flush();
        return breached ? XencommLabCommand.EXIT_FAILED : 0;
    }
}
