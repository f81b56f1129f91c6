package org.xencommlab.examples.architecture.violations;

/** Breaks "no static mutable state", so a test can show the rule catches it. */
public class StaticCounter {
    private static int count;

    public static int next() {
        return ++count;
    }
}
