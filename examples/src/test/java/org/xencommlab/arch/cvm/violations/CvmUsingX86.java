package org.xencommlab.arch.cvm.violations;

import org.xencommlab.arch.x86.violations.X86Part;

/** Breaks "cvm knows no other arch" (cvm reuses x86's page-table format by copying it, never by depending on it). */
public class CvmUsingX86 {
    public int use(X86Part part) {
        return part.value();
    }
}
