package org.xencommlab.strategy.pointerish;

import org.xencommlab.hypervisor.handlers.MemoryOpHandler;

/**
 * Test fixture in a strategy package: a strategy that reaches into the hypervisor, which the
 * module rule forbids (never production code).
 */
public final class HypervisorAwareStrategy {
    private HypervisorAwareStrategy() {}

    public static String handlerName() {
        return MemoryOpHandler.class.getSimpleName();
    }
}
