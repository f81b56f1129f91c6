package org.xencommlab.hypervisor.violations;

import org.xencommlab.arch.x86.violations.X86Part;

/** Breaks "the hypervisor knows no arch", so a test can show the rule catches it. */
public class HypervisorUsingArch {
    public int use(X86Part part) {
        return part.value();
    }
}
