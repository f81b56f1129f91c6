package org.xencommlab.api.violations;

import com.google.inject.AbstractModule;

/** Breaks "api touches Guice only in ArchPlugin", so a test can show the rule catches it. */
public class ApiUsingGuice extends AbstractModule {
}
