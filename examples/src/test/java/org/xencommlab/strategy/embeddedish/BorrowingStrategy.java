package org.xencommlab.strategy.embeddedish;

import org.xencommlab.strategy.pointerish.HypervisorAwareStrategy;

/**
 * Test fixture: a strategy that borrows from another strategy's module, which the rule on
 * strategy modules forbids (never production code).
 */
public final class BorrowingStrategy {
    private BorrowingStrategy() {}

    public static String borrowed() {
        return HypervisorAwareStrategy.handlerName();
    }
}
