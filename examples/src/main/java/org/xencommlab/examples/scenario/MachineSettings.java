package org.xencommlab.examples.scenario;

import static java.util.Objects.requireNonNull;

import org.xencommlab.guest.GuestConfig;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The machine sizes a scenario runs with: the defaults unless the scenario needs a smaller quota,
 * a lower lock limit and the like to make its point.
 */
public record MachineSettings(HypervisorConfig hypervisor, GuestConfig guest) {
    public MachineSettings {
        requireNonNull(hypervisor, "hypervisor is null");
        requireNonNull(guest, "guest is null");
    }

    public static MachineSettings defaults() {
        return new MachineSettings(HypervisorConfig.defaults(), GuestConfig.defaults());
    }
}
