package org.xencommlab.hypervisor.violations;

/** A hypervisor class that keeps every module rule: it depends on nothing of ours. */
public class HypervisorPart {
    public int value() {
        return 1;
    }
}
