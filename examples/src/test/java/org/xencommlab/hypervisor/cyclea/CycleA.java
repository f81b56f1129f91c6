package org.xencommlab.hypervisor.cyclea;

import org.xencommlab.hypervisor.cycleb.CycleB;

/** One half of a package cycle (with {@link CycleB}), so a test can show the cycle rule catches it. */
public class CycleA {
    public int next(CycleB b) {
        return b.value() + 1;
    }

    public int value() {
        return 1;
    }
}
