package org.xencommlab.machine.wiring;

import java.util.Collection;

/**
 * A name a user typed (an arch, a strategy, a scenario) that nothing answers to. Its message is one
 * line naming what is valid, fit to print as it is.
 */
public final class UnknownNameException extends IllegalArgumentException {
    public UnknownNameException(String what, String name, Collection<String> valid) {
        super("unknown " + what + " '" + name + "'; valid: " + String.join(", ", valid));
    }
}
