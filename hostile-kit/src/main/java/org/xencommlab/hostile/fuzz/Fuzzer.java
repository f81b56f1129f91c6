package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The fuzz session: every configuration gets a fresh machine and {@code calls} hostile calls, each
 * checked; the first breach stops that configuration, and its call sequence is shrunk by delta
 * debugging over fresh replays. Configurations run in parallel, each on its own machine; the
 * result is a function of the options alone.
 */
public final class Fuzzer {
    /** Replays the shrinker may make per breach. */
    public static final int SHRINK_TESTS = 400;

    private final RunInjectors injectors;
    private final PlantedDefect planted;

    public Fuzzer(RunInjectors injectors) {
        this(injectors, PlantedDefect.NONE);
    }

    /** A fuzzer whose worlds suffer {@code planted} after every call: for tests that show the checks bite. */
    public Fuzzer(RunInjectors injectors, PlantedDefect planted) {
        this.injectors = requireNonNull(injectors, "injectors is null");
        this.planted = requireNonNull(planted, "planted is null");
    }

    /**
     * A fuzzer of exactly the arch plugin {@code arch}, given as an instance (it need not be listed in
     * {@code META-INF/services}: a test's fixture arch is fuzzed this way), under every strategy on the
     * class path of {@code arch}'s class loader.
     */
    public static Fuzzer forArch(ArchPlugin arch) {
        return forArch(arch, PlantedDefect.NONE);
    }

    /** As {@link #forArch(ArchPlugin)}, with {@code planted} suffered after every call. */
    public static Fuzzer forArch(ArchPlugin arch, PlantedDefect planted) {
        requireNonNull(arch, "arch is null");
        ClassLoader loader = arch.getClass().getClassLoader() == null ? Fuzzer.class.getClassLoader()
                : arch.getClass().getClassLoader();
        return new Fuzzer(new RunInjectors(PluginRegistry.withArchs(List.of(arch), loader)), planted);
    }

    /** The configurations {@code options} select (with variants unless parameters are set). */
    public List<LabConfiguration> configurations(FuzzOptions options) {
        return FuzzConfigurations.of(injectors.registry(), options.archs(), options.strategies(), options.settings(), true);
    }

    /** Calls between two reports to a session's {@code along} listener. */
    public static final long REPORT_EVERY = 100_000;

    /** Fuzzes every configuration; {@code progress} is told each configuration as it finishes. */
    public List<ConfigurationResult> run(FuzzOptions options, java.util.function.Consumer<ConfigurationResult> progress) {
        return run(options, progress, (configuration, calls) -> {});
    }

    /**
     * As {@link #run(FuzzOptions, java.util.function.Consumer)}, and {@code along} is told every
     * {@link #REPORT_EVERY} calls of a configuration how many it has made without a breach.
     */
    public List<ConfigurationResult> run(FuzzOptions options, java.util.function.Consumer<ConfigurationResult> progress,
            java.util.function.BiConsumer<LabConfiguration, Long> along) {
        return run(configurations(options), options, progress, along);
    }

    /**
     * As {@link #run(FuzzOptions, java.util.function.Consumer, java.util.function.BiConsumer)} on
     * exactly {@code configurations} (the options' archs, strategies and settings are not consulted):
     * for a caller that chose them with {@link FuzzConfigurations} under its own settings check.
     */
    public List<ConfigurationResult> run(List<LabConfiguration> configurations, FuzzOptions options,
            java.util.function.Consumer<ConfigurationResult> progress, java.util.function.BiConsumer<LabConfiguration, Long> along) {
        if (configurations.isEmpty()) {
            throw new IllegalArgumentException("no configuration to fuzz");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), configurations.size()));
        try {
            List<Future<ConfigurationResult>> futures = new ArrayList<>();
            for (LabConfiguration configuration : configurations) {
                futures.add(pool.submit(() -> {
                    ConfigurationResult result = fuzz(configuration, options, calls -> {
                        synchronized (progress) {
                            along.accept(configuration, calls);
                        }
                    });
                    synchronized (progress) {
                        progress.accept(result);
                    }
                    return result;
                }));
            }
            List<ConfigurationResult> results = new ArrayList<>();
            for (Future<ConfigurationResult> future : futures) {
                results.add(future.get());
            }
            return List.copyOf(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fuzzing was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fuzzing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fuzzes one configuration. */
    public ConfigurationResult fuzz(LabConfiguration configuration, FuzzOptions options) {
        return fuzz(configuration, options, calls -> {});
    }

    private ConfigurationResult fuzz(LabConfiguration configuration, FuzzOptions options, java.util.function.LongConsumer along) {
        FuzzWorld world = world(configuration, options, Trace.DISABLED);
        Map<String, Long> results = new TreeMap<>();
        Map<String, Long> families = new TreeMap<>();
        Optional<Breach> breach = world.checkSetUp();
        long calls = 0;
        for (long i = 0; i < options.calls() && breach.isEmpty(); i++) {
            FuzzWorld.Step step = world.step(i);
            calls++;
            results.merge(resultName(step.call().result()), 1L, Long::sum);
            families.merge(step.call().family(), 1L, Long::sum);
            breach = step.breach();
            if (calls % REPORT_EVERY == 0 && breach.isEmpty()) {
                along.accept(calls);
            }
        }
        if (breach.isEmpty()) {
            breach = world.end(calls - 1);
        }
        List<Long> shrunk = List.of();
        List<String> shrunkCalls = List.of();
        if (breach.isPresent() && breach.get().call() >= 0) {
            List<Long> all = new ArrayList<>();
            for (long i = 0; i <= breach.get().call(); i++) {
                all.add(i);
            }
            String kind = breach.get().kind();
            Predicate<List<Long>> fails = sequence -> replay(configuration, options, sequence, Trace.DISABLED).breach()
                    .filter(b -> b.kind().equals(kind)).isPresent();
            shrunk = new Shrinker(SHRINK_TESTS).shrink(all, fails);
            shrunkCalls = replay(configuration, options, shrunk, Trace.DISABLED).calls();
        }
        return new ConfigurationResult(configuration, calls, results, families, breach, shrunk, shrunkCalls,
                world.raceActions(), world.honestDomainsTouched(), world.selfHarm());
    }

    /** What a replay of a call sequence did. */
    public record Replay(List<String> calls, Optional<Breach> breach) {}

    /** Replays {@code sequence} (call indexes, in order) on a fresh machine, events to {@code trace}. */
    public Replay replay(LabConfiguration configuration, FuzzOptions options, List<Long> sequence, Trace trace) {
        FuzzWorld world = world(configuration, options, trace);
        List<String> calls = new ArrayList<>();
        Optional<Breach> breach = world.checkSetUp();
        for (int k = 0; k < sequence.size() && breach.isEmpty(); k++) {
            FuzzWorld.Step step = world.step(sequence.get(k));
            calls.add("#" + sequence.get(k) + " " + step.call().describe());
            breach = step.breach();
        }
        if (breach.isEmpty()) {
            breach = world.end(sequence.isEmpty() ? -1 : sequence.get(sequence.size() - 1));
        }
        return new Replay(calls, breach);
    }

    private FuzzWorld world(LabConfiguration configuration, FuzzOptions options, Trace trace) {
        return new FuzzWorld(injectors, configuration, options.seed(), options.race(), options.privileged(), trace,
                planted);
    }

    /** {@code ok} for a non-negative result, the errno's name ({@code -EFAULT}) otherwise. */
    static String resultName(long result) {
        if (result >= 0) {
            return "ok";
        }
        return XenErrno.fromResult(result).map(e -> "-" + e.name()).orElse("invalid " + result);
    }
}
