package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.ScenarioSettings;
import org.xencommlab.examples.scenario.WorkloadFailure;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * Runs scenarios on configurations: each run on its own freshly wired machine, many runs in
 * parallel on all cores. A run is a pure function of its {@link RunSpec}; results come back in
 * the order of the specs, whatever order the runs finish in.
 */
public final class LabRunner {
    private final RunInjectors injectors;
    private final CostModel costModel;

    public LabRunner(RunInjectors injectors, CostModel costModel) {
        this.injectors = requireNonNull(injectors, "injectors is null");
        this.costModel = requireNonNull(costModel, "costModel is null");
    }

    /** Runs one spec with its trace going to {@code environment}'s trace. */
    public RunResult run(RunSpec spec, RunEnvironment environment) {
        Parameters parameters = ScenarioSettings.validate(spec.scenario(), spec.scenarioParameters());
        MachineSettings settings = ScenarioSettings.machine(spec.scenario(), parameters, spec.scenarioParameters());
        RunEnvironment configured = environment.withHypervisor(settings.hypervisor()).withGuest(settings.guest());
        Machine machine = injectors.machine(spec.configuration(), configured);
        Configuration configuration = reportedConfiguration(spec.configuration());
        Map<String, String> scenarioParameters = ScenarioSettings.reported(spec.scenario(), spec.scenarioParameters());
        String failure = null;
        try {
            spec.scenario().run(machine, parameters);
        } catch (WorkloadFailure e) {
            failure = e.getMessage();
        } catch (XenException e) {
            failure = "unexpected " + e.getMessage();
        } catch (RuntimeException e) {
            // A bug, not a result: reported as the run's failure so that one broken run does not
            // take the comparison down, and named so that it is not mistaken for a workload's errno.
            failure = "internal error in " + spec.scenario().name() + ": " + e;
        }
        try {
            machine.stopAllProcesses();
        } catch (RuntimeException e) {
            failure = (failure == null ? "" : failure + "; ") + "internal error stopping processes: " + e;
        }
        return failure == null
                ? RunResult.ok(configuration, spec.scenario().name(), scenarioParameters, spec.seed(), machine.metrics(), costModel)
                : RunResult.failed(configuration, spec.scenario().name(), scenarioParameters, spec.seed(), failure,
                        machine.metrics(), costModel);
    }

    /**
     * How a configuration appears in reports: its arch, strategy, and the parameters that differ
     * from the plugins' defaults (a parameter set to its default is no variant).
     */
    public Configuration reportedConfiguration(LabConfiguration configuration) {
        Map<String, String> variant = new TreeMap<>();
        variant.putAll(Parameters.of(injectors.registry().arch(configuration.arch()).parameters(),
                configuration.archParameters()).nonDefault());
        variant.putAll(Parameters.of(injectors.registry().strategy(configuration.strategy()).parameters(),
                configuration.strategyParameters()).nonDefault());
        return Configuration.of(configuration.arch(), configuration.strategy(), variant);
    }

    /**
     * Runs every spec, {@code threads} at a time, and returns the results in the order of
     * {@code specs}. {@code progress} is told how many runs are done after each one.
     */
    public List<RunResult> runAll(List<RunSpec> specs, int threads, IntConsumer progress) {
        RunResult[] results = new RunResult[specs.size()];
        forEach(specs, threads, progress, (index, result) -> results[index] = result);
        return List.of(results);
    }

    /** {@link #forEach(int, IntFunction, int, IntConsumer, ResultSink)} over a list of specs. */
    public void forEach(List<RunSpec> specs, int threads, IntConsumer progress, ResultSink sink) {
        requireNonNull(specs, "specs is null");
        forEach(specs.size(), specs::get, threads, progress, sink);
    }

    /**
     * Runs the specs {@code specAt(0) .. specAt(count - 1)}, {@code threads} at a time, and hands
     * each result to {@code sink} with its index, in index order, on the calling thread, keeping
     * none: a caller that folds results keeps only what it folds, and folds them in the same order
     * whatever the number of threads. Specs are asked for only as runs start, and at most
     * {@code 2 * threads} runs are started and not yet handed over, so memory does not grow with
     * {@code count}. {@code progress} is told how many runs are done after each one.
     */
    public void forEach(int count, IntFunction<RunSpec> specAt, int threads, IntConsumer progress, ResultSink sink) {
        requireNonNull(specAt, "specAt is null");
        requireNonNull(progress, "progress is null");
        requireNonNull(sink, "sink is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        int window = 2 * threads;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Deque<Future<RunResult>> inFlight = new ArrayDeque<>(window);
            int next = 0;
            for (int handed = 0; handed < count; handed++) {
                while (next < count && inFlight.size() < window) {
                    RunSpec spec = requireNonNull(specAt.apply(next), "spec is null");
                    inFlight.addLast(pool.submit(() -> run(spec, RunEnvironment.defaults(spec.seed()))));
                    next++;
                }
                RunResult result = inFlight.removeFirst().get();
                sink.accept(handed, result);
                progress.accept(handed + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the lab", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Receives each result of {@link #forEach} with its spec's index. */
    @FunctionalInterface
    public interface ResultSink {
        void accept(int index, RunResult result);
    }
}
