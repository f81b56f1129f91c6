package org.xencommlab.examples.architecture.violations;

/** Breaks "no generic exceptions", so a test can show the rule catches it. */
public class ThrowsGenericException {
    public void fail() {
        throw new RuntimeException("no errno, no type");
    }
}
