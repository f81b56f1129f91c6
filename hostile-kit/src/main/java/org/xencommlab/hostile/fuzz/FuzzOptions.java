package org.xencommlab.hostile.fuzz;

import java.util.List;
import java.util.Map;

/**
 * What one fuzz session does: which configurations, how many hostile calls on each, from which
 * seed, and how hostile the attacker is.
 *
 * @param archs arch names (empty: every discovered arch)
 * @param strategies strategy names (empty: every discovered strategy)
 * @param settings {@code --set} pairs for the archs and strategies; none: every arch's built-in
 *     variants are fuzzed too, as {@code compare} does
 * @param calls hostile calls per configuration, at least 1
 * @param seed the seed every call is derived from (call {@code i} from {@code seed} and {@code i})
 * @param race whether a guest activity rewrites the call's memory at scheduling points
 * @param privileged whether the attacker is the control domain (dom0-like)
 * @param threads configurations fuzzed at a time
 */
public record FuzzOptions(List<String> archs, List<String> strategies, Map<String, String> settings, long calls,
        long seed, boolean race, boolean privileged, int threads) {
    public FuzzOptions {
        archs = List.copyOf(archs);
        strategies = List.copyOf(strategies);
        settings = Map.copyOf(settings);
        if (calls < 1) {
            throw new IllegalArgumentException("--hypercalls must be at least 1, not " + calls);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be between 1 and 256, not " + threads);
        }
    }

    /** Every discovered configuration, {@code calls} calls each, one thread. */
    public static FuzzOptions of(long calls, long seed) {
        return new FuzzOptions(List.of(), List.of(), Map.of(), calls, seed, false, false, 1);
    }

    public FuzzOptions withArchs(List<String> names) {
        return new FuzzOptions(names, strategies, settings, calls, seed, race, privileged, threads);
    }

    public FuzzOptions withStrategies(List<String> names) {
        return new FuzzOptions(archs, names, settings, calls, seed, race, privileged, threads);
    }

    public FuzzOptions withSettings(Map<String, String> sets) {
        return new FuzzOptions(archs, strategies, sets, calls, seed, race, privileged, threads);
    }

    public FuzzOptions withRace(boolean on) {
        return new FuzzOptions(archs, strategies, settings, calls, seed, on, privileged, threads);
    }

    public FuzzOptions withPrivileged(boolean on) {
        return new FuzzOptions(archs, strategies, settings, calls, seed, race, on, threads);
    }

    public FuzzOptions withThreads(int count) {
        return new FuzzOptions(archs, strategies, settings, calls, seed, race, privileged, count);
    }
}
