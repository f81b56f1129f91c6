package org.xencommlab.machine.violations;

import org.xencommlab.hostile.violations.HostilePart;

/** Breaks "machine knows neither the lab nor the hostile kit", so a test can show the rule catches it. */
public class MachineUsingHostileKit {
    public int use(HostilePart part) {
        return part.value();
    }
}
