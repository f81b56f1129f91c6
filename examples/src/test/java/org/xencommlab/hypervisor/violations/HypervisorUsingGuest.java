package org.xencommlab.hypervisor.violations;

import org.xencommlab.guest.violations.GuestPart;

/** Breaks "the hypervisor knows no guest", so a test can show the rule catches it. */
public class HypervisorUsingGuest {
    public int use(GuestPart part) {
        return part.value();
    }
}
