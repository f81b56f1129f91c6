package org.xencommlab.arch.cvm.violations;

/** A cvm class that keeps every module rule: it depends on nothing of ours. */
public class CvmPart {
    public int value() {
        return 7;
    }
}
