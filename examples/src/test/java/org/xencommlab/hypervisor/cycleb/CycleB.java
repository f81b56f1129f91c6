package org.xencommlab.hypervisor.cycleb;

import org.xencommlab.hypervisor.cyclea.CycleA;

/** The other half of a package cycle (with {@link CycleA}). */
public class CycleB {
    public int next(CycleA a) {
        return a.value() + 1;
    }

    public int value() {
        return 2;
    }
}
