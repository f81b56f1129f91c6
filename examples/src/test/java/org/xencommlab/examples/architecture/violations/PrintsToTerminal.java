package org.xencommlab.examples.architecture.violations;

/** Breaks "only the CLI writes to the terminal", so a test can show the rule catches it. */
public class PrintsToTerminal {
    public void report(String line) {
        System.out.println(line);
    }
}
