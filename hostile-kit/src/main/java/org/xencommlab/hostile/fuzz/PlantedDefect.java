package org.xencommlab.hostile.fuzz;

/**
 * A defect planted after each call, for tests that show the checks bite: it sees the call as
 * issued and may damage the world as a buggy hypervisor would (see {@link FuzzWorld#scribbleOnCanary}
 * and {@link FuzzWorld#leakCanaryToAttacker}). The fuzz command plants {@link #NONE}.
 */
@FunctionalInterface
public interface PlantedDefect {
    /** No defect. */
    PlantedDefect NONE = (call, world) -> {};

    /** Runs after {@code call} returned and before the checks. */
    void after(HostileCall call, FuzzWorld world);
}
