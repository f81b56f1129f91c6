package org.xencommlab.hypervisor.violations;

/** Shares its simple name with a guest type, so a test can show the unique-names rule catches it. */
public class Twin {
}
