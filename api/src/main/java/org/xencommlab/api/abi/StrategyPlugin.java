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

    /** The strategy, configured with {@code parameters}. */
    ArgumentStrategy create(Parameters parameters);
}
