package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xencommlab.examples.report.model.AggregateAccumulator;
import org.xencommlab.examples.report.model.RunResult;

/**
 * What one {@link Shard} of a comparison measured, streamed: the comparison's own runs folded into
 * one accumulator per configuration x scenario (in report order: scenario, then configuration;
 * one with no runs where the shard held none of them), the sweeps' runs by their index in the
 * comparison's run order, and, with {@code raw}, every own run as it was. Its size grows with
 * configurations x scenarios and the sweeps, not with {@code --repeat} (unless raw).
 *
 * @param shard the slice these runs are
 * @param runs how many runs the shard made (own and sweep)
 * @param catalogNames the metric catalog the runs were measured with, in report order; empty if
 *     the shard made no run
 * @param accumulators the own runs, folded, in report order
 * @param sweepResults the sweep runs, by run index
 * @param raw the own runs as they were, in run order; empty unless the comparison keeps them
 */
public record ShardResults(Shard shard, int runs, List<String> catalogNames,
        List<AggregateAccumulator.FoldedRuns> accumulators, SortedMap<Integer, RunResult> sweepResults, List<RunResult> raw) {
    public ShardResults {
        requireNonNull(shard, "shard is null");
        catalogNames = List.copyOf(catalogNames);
        accumulators = List.copyOf(accumulators);
        sweepResults = Collections.unmodifiableSortedMap(new TreeMap<>(sweepResults));
        raw = List.copyOf(raw);
        long folded = accumulators.stream().mapToLong(AggregateAccumulator.FoldedRuns::runs).sum();
        if (runs < 0 || folded + sweepResults.size() != runs) {
            throw new IllegalArgumentException("shard " + shard + " says it made " + runs + " runs but holds "
                    + folded + " folded runs and " + sweepResults.size() + " sweep runs");
        }
        if (catalogNames.stream().anyMatch(String::isEmpty) || java.util.Set.copyOf(catalogNames).size() != catalogNames.size()) {
            throw new IllegalArgumentException("shard " + shard + " has an empty or repeated metric catalog name");
        }
        if (runs > 0 && catalogNames.isEmpty()) {
            throw new IllegalArgumentException("shard " + shard + " names no metric catalog for its runs");
        }
        if (!raw.isEmpty() && raw.size() != folded) {
            throw new IllegalArgumentException("shard " + shard + " keeps " + raw.size() + " raw runs of its "
                    + folded + " runs");
        }
        for (Map.Entry<Integer, RunResult> entry : sweepResults.entrySet()) {
            requireNonNull(entry.getValue(), "sweep result is null");
            if (entry.getKey() < 0 || !shard.holds(entry.getKey())) {
                throw new IllegalArgumentException("shard " + shard + " holds run " + entry.getKey()
                        + ", which belongs to another shard");
            }
        }
    }
}
