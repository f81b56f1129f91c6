package org.xencommlab.hostile.fuzz;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.xencommlab.machine.wiring.LabConfiguration;

/**
 * The summary a fuzz session prints: per configuration its calls, results and breaches; totals of
 * results by errno; and for each breach the seed, the breach, the shrunk call sequence and the
 * command that replays it. Deterministic (no times in it).
 */
public final class FuzzReport {
    private FuzzReport() {}

    /** Whether any configuration breached. */
    public static boolean breached(List<ConfigurationResult> results) {
        return results.stream().anyMatch(r -> r.breach().isPresent());
    }

    public static String render(FuzzOptions options, List<ConfigurationResult> results) {
        StringBuilder out = new StringBuilder();
        long calls = results.stream().mapToLong(ConfigurationResult::calls).sum();
        out.append("fuzz: seed ").append(options.seed()).append(", ").append(options.calls())
                .append(" hypercalls per configuration").append(options.race() ? ", racing" : "")
                .append(options.privileged() ? ", privileged attacker" : ", unprivileged attacker").append('\n');
        int width = results.stream().mapToInt(r -> r.configuration().label().length()).max().orElse(10);
        for (ConfigurationResult r : results) {
            out.append(String.format("  %-" + width + "s  %,12d calls  %s%n", r.configuration().label(), r.calls(),
                    r.breach().isPresent() ? "BREACH: " + r.breach().get().kind() : "0 breaches"));
        }
        Map<String, Long> totals = new TreeMap<>();
        Map<String, Long> families = new TreeMap<>();
        results.forEach(r -> {
            r.results().forEach((k, v) -> totals.merge(k, v, Long::sum));
            r.families().forEach((k, v) -> families.merge(k, v, Long::sum));
        });
        out.append("configurations: ").append(results.size()).append(", calls: ").append(String.format("%,d", calls)).append('\n');
        out.append("results: ").append(totals.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))).append('\n');
        out.append("families: ").append(families.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))).append('\n');
        long race = results.stream().mapToLong(ConfigurationResult::raceActions).sum();
        if (options.race()) {
            out.append("race actions: ").append(race).append('\n');
        }
        long selfHarm = results.stream().mapToLong(ConfigurationResult::selfHarm).sum();
        if (selfHarm > 0) {
            out.append("calls in which the attacker's own kernel failed over what it had done to itself (not breaches): ")
                    .append(selfHarm).append('\n');
        }
        int touched = results.stream().mapToInt(ConfigurationResult::honestTouched).sum();
        if (touched > 0) {
            out.append("honest domains whose memory the privileged attacker took (canaries no longer compared): ")
                    .append(touched).append('\n');
        }
        long breaches = results.stream().filter(r -> r.breach().isPresent()).count();
        out.append("breaches: ").append(breaches).append('\n');
        for (ConfigurationResult r : results) {
            if (r.breach().isEmpty()) {
                continue;
            }
            Breach b = r.breach().get();
            out.append('\n').append("BREACH on ").append(r.configuration().label()).append(", seed ").append(options.seed())
                    .append(": ").append(b).append('\n');
            if (!r.shrunk().isEmpty()) {
                out.append("shrunk to ").append(r.shrunk().size()).append(" of ").append(b.call() + 1).append(" calls: ")
                        .append(r.shrunk().stream().map(String::valueOf).collect(Collectors.joining(","))).append('\n');
                r.shrunkCalls().forEach(c -> out.append("  ").append(c).append('\n'));
                out.append("replay: ").append(replayCommand(options, r.configuration(),
                        options.seed() + ":" + r.shrunk().stream().map(String::valueOf).collect(Collectors.joining(","))
                                // a trailing comma keeps one call a list of one (SEED:CALL would replay the prefix)
                                + (r.shrunk().size() == 1 ? "," : "")))
                        .append('\n');
                out.append("replay the whole prefix: ").append(replayCommand(options, r.configuration(),
                        options.seed() + ":" + b.call())).append('\n');
            }
        }
        return out.toString();
    }

    /** The command line that replays {@code what} on exactly {@code configuration}. */
    static String replayCommand(FuzzOptions options, LabConfiguration configuration, String what) {
        StringBuilder command = new StringBuilder("xencomm-lab fuzz --arch ").append(configuration.arch())
                .append(" --strategy ").append(configuration.strategy());
        configuration.parameters().forEach((k, v) -> command.append(" --set ").append(k).append('=').append(v));
        if (options.race()) {
            command.append(" --race");
        }
        if (options.privileged()) {
            command.append(" --privileged");
        }
        return command.append(" --replay ").append(what).toString();
    }
}
