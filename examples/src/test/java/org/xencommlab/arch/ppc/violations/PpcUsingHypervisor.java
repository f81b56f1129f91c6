package org.xencommlab.arch.ppc.violations;

import org.xencommlab.hypervisor.violations.HypervisorPart;

/** Breaks "an arch module depends only on api", so a test can show the rule catches it. */
public class PpcUsingHypervisor {
    public int use(HypervisorPart part) {
        return part.value();
    }
}
