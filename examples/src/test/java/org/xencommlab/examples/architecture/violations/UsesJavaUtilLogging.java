package org.xencommlab.examples.architecture.violations;

import java.util.logging.Logger;

/** Breaks "no java.util.logging", so a test can show the rule catches it. */
public class UsesJavaUtilLogging {
    private static final Logger LOG = Logger.getLogger(UsesJavaUtilLogging.class.getName());

    public void note(String message) {
        LOG.info(message);
    }
}
