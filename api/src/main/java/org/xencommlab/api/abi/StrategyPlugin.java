package org.xencommlab.api.abi;

import java.util.List;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;

/**
 * The entry point of a hypercall argument strategy (how arguments carry their data: pointers or
 * embedded structures), found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.xencommlab.api.abi.StrategyPlugin}.
 *
 * <p>A strategy is pure ABI code with no dependencies of its own, so its plugin makes it directly;
 * the composition root binds what {@link #create} returns. An implementation must return a new,
 * stateless-or-per-run instance from each call.
 */
public interface StrategyPlugin {
    /** The name users type ({@code --strategy pointer}); lower case, unique among strategies. */
    String name();

    /** One line saying what the strategy does. */
    String description();

    /** Parameters this strategy accepts; none by default. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * The counters and gauges this strategy counts beyond the core's ({@link
     * org.xencommlab.api.metrics.Counter#core()}, {@link org.xencommlab.api.metrics.Gauge#core()}):
     * each a {@code static final} handle made with {@code Counter.define} or {@code Gauge.define},
     * counted through {@link org.xencommlab.api.metrics.RunMetrics}. Every report format, the
     * cost-model file and the JSON schema then show them with no change elsewhere. An
     * implementation must return the same handles on every call, and declare every handle its
     * code counts: a report refuses a count no loaded plugin declared. None by default.
     */
    default List<org.xencommlab.api.metrics.MetricDefinition> metrics() {
        return List.of();
    }

    /**
     * The cost events this strategy adds to the cost model, each pricing counters the core or this
     * plugin declares ({@link org.xencommlab.api.metrics.CostDefinition}); a cost-model file may
     * override each by its key. An implementation must return equal definitions on every call.
     * None by default.
     */
    default List<org.xencommlab.api.metrics.CostDefinition> costs() {
        return List.of();
    }

    /** The strategy, configured with {@code parameters}. */
    ArgumentStrategy create(Parameters parameters);
}
