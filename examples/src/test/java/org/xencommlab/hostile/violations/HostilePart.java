package org.xencommlab.hostile.violations;

import org.xencommlab.machine.violations.MachinePart;

/** A hostile-kit class that keeps every module rule: it uses machine, as the kit may. */
public class HostilePart {
    public int value() {
        return new MachinePart().value() + 1;
    }
}
