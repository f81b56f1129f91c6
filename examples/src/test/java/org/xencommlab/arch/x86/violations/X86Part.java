package org.xencommlab.arch.x86.violations;

/** An x86 class that keeps every module rule: it depends on nothing of ours. */
public class X86Part {
    public int value() {
        return 86;
    }
}
