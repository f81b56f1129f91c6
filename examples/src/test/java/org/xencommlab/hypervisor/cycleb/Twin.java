package org.xencommlab.hypervisor.cycleb;

/** Shares its simple name with another hypervisor type: allowed, since both are in one module. */
public class Twin {
}
