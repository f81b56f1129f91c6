package org.xencommlab.guest.violations;

import org.xencommlab.examples.architecture.violations.ExamplesPart;

/** Breaks "nothing depends on examples", so a test can show the rule catches it. */
public class GuestUsingExamples {
    public int use(ExamplesPart part) {
        return part.value();
    }
}
