package org.xencommlab.examples.architecture.violations;

/** Breaks "only the CLI writes to the terminal" on standard error, so a test can show the rule catches it. */
public class PrintsToStandardError {
    public void complain(String line) {
        System.err.println(line);
    }
}
