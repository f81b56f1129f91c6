package org.xencommlab.api.violations;

import org.xencommlab.hypervisor.violations.HypervisorPart;

/** Breaks "api depends on nothing of ours", so a test can show the rule catches it. */
public class ApiUsingHypervisor {
    public int use(HypervisorPart part) {
        return part.value();
    }
}
