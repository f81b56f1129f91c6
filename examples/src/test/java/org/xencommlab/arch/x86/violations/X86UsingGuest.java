package org.xencommlab.arch.x86.violations;

import org.xencommlab.guest.violations.GuestPart;

/** Breaks "an arch module depends only on api", so a test can show the rule catches it. */
public class X86UsingGuest {
    public int use(GuestPart part) {
        return part.value();
    }
}
