package org.xencommlab.machine.violations;

/** A machine class that keeps every module rule: it depends on nothing of ours. */
public class MachinePart {
    public int value() {
        return 1;
    }
}
