package org.xencommlab.api.plugin;

import com.google.inject.Module;
import java.util.List;

/**
 * The entry point of a hypercall argument strategy (how arguments carry their data: pointers or
 * embedded structures), found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.xencommlab.api.plugin.StrategyPlugin}.
 *
 * <p>Its module must bind {@link org.xencommlab.api.abi.ArgumentStrategy} and nothing a second
 * strategy could also bind.
 */
public interface StrategyPlugin {
    /** The name users type ({@code --strategy pointer}). */
    String name();

    /** One line saying what the strategy does. */
    String description();

    default List<ParameterSpec> parameters() {
        return List.of();
    }

    Module module(Parameters parameters);
}
