package org.xencommlab.examples.architecture.violations;

import jakarta.inject.Inject;

/** Breaks "constructor injection only" with an injected method, so a test can show the rule catches it. */
public class MethodInjected {
    private Object dependency;

    @Inject
    public void setDependency(Object dependency) {
        this.dependency = dependency;
    }

    public Object dependency() {
        return dependency;
    }
}
