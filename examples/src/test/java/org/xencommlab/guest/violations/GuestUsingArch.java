package org.xencommlab.guest.violations;

import org.xencommlab.arch.ppc.violations.PpcPart;

/** Breaks "the guest knows no arch", so a test can show the rule catches it. */
public class GuestUsingArch {
    public int use(PpcPart part) {
        return part.value();
    }
}
