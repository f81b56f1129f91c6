package org.xencommlab.hostile.violations;

import org.xencommlab.arch.ppc.violations.PpcPart;

/** Breaks "the hostile kit names no arch", so a test can show the rule catches it. */
public class HostileUsingArch {
    public int use(PpcPart part) {
        return part.value();
    }
}
