package org.xencommlab.hypervisor;

import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Caps the tries of every jqwik property of this module when the system property
 * {@value #MAX_TRIES} is set; does nothing otherwise. Registered globally (through
 * {@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}).
 *
 * <p>The mutation profile sets it for PIT's worker JVMs: each surviving mutant runs every
 * property that covers it, so the properties' tries are most of a run's time. jqwik's own
 * {@code jqwik.tries.default} cannot do this, because it applies only to properties that name no
 * {@code tries}, and every property here names its own. With the cap set, shrinking is off too:
 * under PIT a failing property is a killed mutant, and its smallest example is not needed.
 *
 * <p>Fewer tries can only find fewer failures, so a mutation score taken with the cap is a floor.
 * An ordinary build never sets it.
 */
public final class TestingTriesCap implements AroundPropertyHook {
    /** The system property: the most tries a property may run. */
    public static final String MAX_TRIES = "xencommlab.jqwik.maxTries";

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer cap = Integer.getInteger(MAX_TRIES);
        if (cap != null && cap > 0) {
            int tries = context.attributes().tries().orElse(Integer.MAX_VALUE);
            if (tries > cap) {
                context.attributes().setTries(cap);
            }
            context.attributes().setShrinking(ShrinkingMode.OFF);
        }
        return property.execute();
    }
}
