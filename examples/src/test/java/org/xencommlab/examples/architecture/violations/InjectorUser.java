package org.xencommlab.examples.architecture.violations;

import com.google.inject.Injector;

/** Breaks "the injector only in the composition root", so a test can show the rule catches it. */
public class InjectorUser {
    public Object lookUp(Injector injector) {
        return injector.getInstance(Object.class);
    }
}
