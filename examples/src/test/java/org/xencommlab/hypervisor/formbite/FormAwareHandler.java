package org.xencommlab.hypervisor.formbite;

import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.memory.ReservationBlock;

/**
 * Test fixture in a hypervisor package: a handler that branches on the form and reads a block
 * layout itself, which the strategy-neutrality rule forbids (never production code).
 */
public final class FormAwareHandler {
    private final ArgumentStrategy strategy;

    public FormAwareHandler(ArgumentStrategy strategy) {
        this.strategy = strategy;
    }

    public long extentsPerCall() {
        return strategy.form() == AbiForm.EMBEDDED ? ReservationBlock.maxExtents(4096) : 0;
    }
}
