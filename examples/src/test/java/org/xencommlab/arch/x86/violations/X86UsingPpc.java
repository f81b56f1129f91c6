package org.xencommlab.arch.x86.violations;

import org.xencommlab.arch.ppc.violations.PpcPart;

/** Breaks "x86 does not know ppc", so a test can show the rule catches it. */
public class X86UsingPpc {
    public int use(PpcPart part) {
        return part.value();
    }
}
