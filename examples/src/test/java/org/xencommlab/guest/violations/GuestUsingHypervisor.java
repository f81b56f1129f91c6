package org.xencommlab.guest.violations;

import org.xencommlab.hypervisor.violations.HypervisorPart;

/** Breaks "the guest knows no hypervisor", so a test can show the rule catches it. */
public class GuestUsingHypervisor {
    public int use(HypervisorPart part) {
        return part.value();
    }
}
