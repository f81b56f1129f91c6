package org.xencommlab.guest.violations;

/** Shares its simple name with a hypervisor type, so a test can show the unique-names rule catches it. */
public class Twin {
}
