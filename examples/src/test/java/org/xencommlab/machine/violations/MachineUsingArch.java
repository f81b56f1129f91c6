package org.xencommlab.machine.violations;

import org.xencommlab.arch.x86.violations.X86Part;

/** Breaks "machine compiles against no plugin", so a test can show the rule catches it. */
public class MachineUsingArch {
    public int use(X86Part part) {
        return part.value();
    }
}
