package org.xencommlab.arch.ppc.violations;

/** A ppc class that keeps every module rule: it depends on nothing of ours. */
public class PpcPart {
    public int value() {
        return 64;
    }
}
