package org.xencommlab.arch.ppc.violations;

import org.xencommlab.arch.x86.violations.X86Part;

/** Breaks "ppc does not know x86", so a test can show the rule catches it. */
public class PpcUsingX86 {
    public int use(X86Part part) {
        return part.value();
    }
}
