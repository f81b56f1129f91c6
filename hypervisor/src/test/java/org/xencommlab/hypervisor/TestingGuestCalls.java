package org.xencommlab.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.strategy.embedded.plugin.EmbeddedStrategyPlugin;
import org.xencommlab.strategy.pointer.plugin.PointerStrategyPlugin;
import org.xencommlab.api.plugin.Parameters;

/**
 * The guest side of a test: issues requests the way a guest kernel does, through the strategy
 * ({@code split}, then {@code prepare} into a {@link TestingPlacement}, the hypercall, then
 * {@code complete}), for one domain and vCPU 0.
 */
public final class TestingGuestCalls {
    private final TestingMachine machine;
    private final int domid;
    private final TestingPlacement placement;

    public TestingGuestCalls(TestingMachine machine, int domid, TestingPlacement placement) {
        this.machine = machine;
        this.domid = domid;
        this.placement = placement;
    }

    /** The two strategies, made by their plugins with default parameters. */
    public static List<ArgumentStrategy> strategies() {
        return List.of(new PointerStrategyPlugin().create(Parameters.none()),
                embedded());
    }

    /** The embedded strategy with a maximum block of {@code maxBlock} bytes, made by its plugin. */
    public static ArgumentStrategy embedded(int maxBlock) {
        EmbeddedStrategyPlugin plugin = new EmbeddedStrategyPlugin();
        return plugin.create(Parameters.of(plugin.parameters(), Map.of(EmbeddedStrategyPlugin.MAX_BLOCK, Integer.toString(maxBlock))));
    }

    /** The embedded strategy with the default maximum block (one page). */
    public static ArgumentStrategy embedded() {
        EmbeddedStrategyPlugin plugin = new EmbeddedStrategyPlugin();
        return plugin.create(Parameters.of(plugin.parameters(), Map.of()));
    }

    /** Issues {@code request} as one hypercall (it must fit) and returns its outcome. */
    public <R> R issue(HypercallRequest<R> request) {
        placement.reset();
        PreparedCall<R> call = machine.strategy.prepare(placement, request);
        return call.complete(machine.entry.hypercall(domid, 0, call.op(), call.args()));
    }

    /** Issues {@code request} cut by the strategy, one hypercall per part, and returns each outcome. */
    public <R> List<R> issueSplit(HypercallRequest<R> request) {
        List<R> outcomes = new ArrayList<>();
        for (HypercallRequest<R> part : machine.strategy.split(request)) {
            outcomes.add(issue(part));
        }
        return outcomes;
    }

    /** The words {@code request} would be issued with, its memory placed (for tests that tamper). */
    public <R> PreparedCall<R> prepare(HypercallRequest<R> request) {
        placement.reset();
        return machine.strategy.prepare(placement, request);
    }
}
