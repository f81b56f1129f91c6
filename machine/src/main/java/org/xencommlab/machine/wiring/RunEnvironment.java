package org.xencommlab.machine.wiring;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.trace.Trace;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * What a run gets besides its configuration: the seed, where its trace goes, and the machine's
 * sizes (a scenario may shrink a quota or a lock limit to make its point).
 *
 * @param seed the run's seed; the guest scheduler's random streams derive from it
 * @param trace where events go ({@link Trace#DISABLED} unless {@code --trace})
 * @param hypervisor the hypervisor's sizes and limits
 * @param guest the guest kernels' sizes and limits (its seed is replaced by {@code seed})
 */
public record RunEnvironment(long seed, Trace trace, HypervisorConfig hypervisor, GuestConfig guest) {
    public RunEnvironment {
        requireNonNull(trace, "trace is null");
        requireNonNull(hypervisor, "hypervisor is null");
        requireNonNull(guest, "guest is null");
    }

    /** Default sizes, no trace. */
    public static RunEnvironment defaults(long seed) {
        return new RunEnvironment(seed, Trace.DISABLED, HypervisorConfig.defaults(), GuestConfig.defaults());
    }

    public RunEnvironment withTrace(Trace newTrace) {
        return new RunEnvironment(seed, newTrace, hypervisor, guest);
    }

    public RunEnvironment withHypervisor(HypervisorConfig config) {
        return new RunEnvironment(seed, trace, config, guest);
    }

    public RunEnvironment withGuest(GuestConfig config) {
        return new RunEnvironment(seed, trace, hypervisor, config);
    }
}
