package org.xencommlab.examples.architecture.violations;

import jakarta.inject.Inject;

/** Breaks "constructor injection only", so a test can show the rule catches it. */
public class FieldInjected {
    @Inject
    Object dependency;

    public Object dependency() {
        return dependency;
    }
}
