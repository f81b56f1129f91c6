package org.xencommlab.arch.ppc.violations;

import org.xencommlab.arch.cvm.violations.CvmPart;

/** Breaks "no other arch knows cvm", so a test can show the rule catches it. */
public class PpcUsingCvm {
    public int use(CvmPart part) {
        return part.value();
    }
}
