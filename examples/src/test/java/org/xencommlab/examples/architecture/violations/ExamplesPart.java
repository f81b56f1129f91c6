package org.xencommlab.examples.architecture.violations;

/** A class of the composition root, for a test showing that nothing may depend on it. */
public class ExamplesPart {
    public int value() {
        return 4;
    }
}
