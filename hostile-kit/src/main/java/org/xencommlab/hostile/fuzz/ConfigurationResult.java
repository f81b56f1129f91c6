package org.xencommlab.hostile.fuzz;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xencommlab.machine.wiring.LabConfiguration;

/**
 * What fuzzing one configuration found.
 *
 * @param configuration the configuration
 * @param calls calls made (up to and including a breaching one)
 * @param results results seen, by name ({@code ok} for a non-negative result, else {@code -EFAULT} and the like)
 * @param families calls made per generator family
 * @param breach the first breach, if any
 * @param shrunk the shortest call sequence found that still breaches (call indexes), empty without a breach
 * @param shrunkCalls the shrunk sequence's calls as issued in its replay
 * @param raceActions actions the race activity took
 * @param honestTouched honest domains a privileged attacker took memory from
 * @param selfHarm calls in which the attacker's own kernel threw because of what its earlier calls did to it
 */
public record ConfigurationResult(LabConfiguration configuration, long calls, Map<String, Long> results,
        Map<String, Long> families, Optional<Breach> breach, List<Long> shrunk, List<String> shrunkCalls, long raceActions,
        int honestTouched, long selfHarm) {
    public ConfigurationResult {
        results = Map.copyOf(new TreeMap<>(results));
        families = Map.copyOf(new TreeMap<>(families));
        shrunk = List.copyOf(shrunk);
        shrunkCalls = List.copyOf(shrunkCalls);
    }
}
