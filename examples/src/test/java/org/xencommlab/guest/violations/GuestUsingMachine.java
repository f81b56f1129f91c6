package org.xencommlab.guest.violations;

import org.xencommlab.machine.violations.MachinePart;

/** Breaks "the guest knows no hypervisor, arch or wiring", so a test can show the rule catches it. */
public class GuestUsingMachine {
    public int use(MachinePart part) {
        return part.value();
    }
}
