package org.xencommlab.examples.architecture.violations;

import java.util.ServiceLoader;

/** Breaks "discovery only in the composition root", so a test can show the rule catches it. */
public class ServiceLoading {
    public long count() {
        return ServiceLoader.load(Runnable.class).stream().count();
    }
}
