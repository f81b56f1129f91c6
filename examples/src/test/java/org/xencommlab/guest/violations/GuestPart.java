package org.xencommlab.guest.violations;

/** A guest class that keeps every module rule: it depends on nothing of ours. */
public class GuestPart {
    public int value() {
        return 2;
    }
}
