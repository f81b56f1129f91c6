package org.xencommlab.guest;

/** Breaks "a module's root package holds only wiring and configuration": a part that belongs in a sub-package. */
public class LooseGuestHelper {
    public int value() {
        return 3;
    }
}
