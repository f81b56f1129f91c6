package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import java.util.List;
import java.util.ServiceLoader;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;

/**
 * An arch plugin for a plugin jar built at test time: the built-in {@code x86} under another name,
 * found through ServiceLoader like any plugin (it names no arch class), so that a jar from a
 * plugins folder can be shown running a real {@code compare}. It is listed in no services file of
 * the build.
 */
public final class TestingDelegatingArchPlugin implements ArchPlugin {
    private ArchPlugin x86() {
        return ServiceLoader.load(ArchPlugin.class, TestingDelegatingArchPlugin.class.getClassLoader()).stream()
                .filter(provider -> provider.type() != TestingDelegatingArchPlugin.class)
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.name().equals("x86"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no x86 arch to delegate to"));
    }

    /** A counter of the twin's own (it counts nothing: the twin runs x86's code), declared so a report must carry it. */
    public static final Counter TWIN_EVENTS = Counter.define("testingTwinEvents", "events of the x86 twin, declared by a plugin jar", "events");

    /** A cost of the twin's own, priced on {@link #TWIN_EVENTS}. */
    public static final CostDefinition TWIN_EVENT_COST = CostDefinition.nanosPerEvent("testingTwinEventNanos",
            "one event of the x86 twin", 42, "a test's figure", TWIN_EVENTS);

    @Override
    public String name() {
        return "testing-x86-twin";
    }

    @Override
    public List<MetricDefinition> metrics() {
        return List.of(TWIN_EVENTS);
    }

    @Override
    public List<CostDefinition> costs() {
        return List.of(TWIN_EVENT_COST);
    }

    @Override
    public String description() {
        return "x86 under another name, from a plugin jar made by a test";
    }

    @Override
    public PageSize pageSize() {
        return x86().pageSize();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return x86().parameters();
    }

    @Override
    public Module module(Parameters parameters) {
        return x86().module(parameters);
    }
}
