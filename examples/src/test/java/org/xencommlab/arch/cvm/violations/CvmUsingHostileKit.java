package org.xencommlab.arch.cvm.violations;

import org.xencommlab.hostile.violations.HostilePart;

/** Breaks "an arch module depends only on api" through the hostile kit, so a test can show the rule catches it. */
public class CvmUsingHostileKit {
    public int use(HostilePart part) {
        return part.value();
    }
}
