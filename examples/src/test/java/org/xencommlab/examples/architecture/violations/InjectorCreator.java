package org.xencommlab.examples.architecture.violations;

import com.google.inject.Guice;

/** Breaks "the injector only in the composition root" by building one, so a test can show the rule catches it. */
public class InjectorCreator {
    public Object create() {
        return Guice.createInjector();
    }
}
