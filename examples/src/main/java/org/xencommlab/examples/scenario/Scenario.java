package org.xencommlab.examples.scenario;

import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.machine.facade.Machine;

/**
 * A named, documented, seeded workload that runs on a fully wired {@link Machine}. The same
 * scenario runs on every configuration; only the counts differ (and, where a configuration cannot
 * do the work, the outcome).
 *
 * <p>A scenario must be a pure function of the machine it is given (which carries the run's seed)
 * and its parameters. It returns normally when the workload completed as a user would expect, and
 * throws {@link WorkloadFailure} when it could not, naming the errno the workload saw.
 */
public interface Scenario {
    /** The name users type ({@code --scenario balloon}). */
    String name();

    /** One line: what the scenario shows. */
    String summary();

    /** The parameters (sizes, counts) users may set with {@code --set}, with defaults. */
    List<ParameterSpec> parameters();

    /**
     * The parameter whose value is the workload's size, for charts of how costs grow with size, or
     * null if the scenario has no such parameter.
     */
    default String sizeParameter() {
        return null;
    }

    /**
     * The parameters on a machine of {@code machineMemoryBytes} (set with
     * {@code --set machine-memory=...}): the same names as {@link #parameters()}, whose ranges may
     * follow from the machine's size; {@link #parameters()} are those of the default machine.
     */
    default List<ParameterSpec> parameters(long machineMemoryBytes) {
        return parameters();
    }

    /** The sizes a comparison sweeps {@link #sizeParameter()} over, ascending; empty for none. */
    default List<Long> sweepValues() {
        return List.of();
    }

    /** The machine sizes this scenario runs with; the defaults unless it says otherwise. */
    default MachineSettings machineSettings(Parameters parameters) {
        return MachineSettings.defaults();
    }

    /** Boots what it needs on {@code machine}, runs the workload and checks what the guests saw. */
    void run(Machine machine, Parameters parameters);
}
