package org.xencommlab.api.plugin;

import com.google.inject.Module;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.memory.PageSize;

/**
 * The entry point of an arch backend, found with {@link java.util.ServiceLoader}: a module jar
 * names its implementation in {@code META-INF/services/org.xencommlab.api.plugin.ArchPlugin}, and
 * the lab picks it up with no other change.
 *
 * <p>The Guice module it returns must bind, for the configuration it was made for:
 * <ul>
 *   <li>{@link org.xencommlab.api.paging.PageTableFormat} and
 *       {@link org.xencommlab.api.paging.AddressSpaceLayout}: what a guest kernel needs to boot;</li>
 *   <li>{@link org.xencommlab.api.xencomm.GuestHandleResolver}: the hypervisor half, which makes
 *       one {@link org.xencommlab.api.xencomm.DomainArchState} per domain (an {@code arch_N}
 *       hypercall that needs the domain's state is served by that state's
 *       {@link org.xencommlab.api.xencomm.DomainArchState#hypercall});</li>
 *   <li>{@link org.xencommlab.api.xencomm.GuestXencomm}: the guest half, which makes one
 *       {@link org.xencommlab.api.xencomm.KernelXencomm} per kernel and, through it, one
 *       {@link org.xencommlab.api.xencomm.ProcessXencomm} per process;</li>
 *   <li>optionally, stateless {@code arch_N} hypercall handlers, added to a
 *       {@code MapBinder<Integer, HypercallHandler>}.</li>
 * </ul>
 * The module must be side-effect free, hold no static mutable state, and bind nothing else a
 * second plugin could also bind. This is the only api type that touches Guice.
 */
public interface ArchPlugin {
    /** The name users type ({@code --arch x86}); lower case, unique among plugins. */
    String name();

    /** One line saying what the backend models. */
    String description();

    /** The arch's page size. */
    PageSize pageSize();

    /** Parameters (variants) this backend accepts; none by default. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /**
     * The variants worth comparing beside the defaults (each a set of parameter values, for example
     * {@code buffers=device}), which {@code xencomm-lab compare} runs when the user names none.
     * Empty by default: only the defaults are compared.
     */
    default List<Map<String, String>> variants() {
        return List.of();
    }

    /**
     * The counters and gauges this arch counts beyond the core's ({@link
     * org.xencommlab.api.metrics.Counter#core()}, {@link org.xencommlab.api.metrics.Gauge#core()}):
     * each a {@code static final} handle made with {@code Counter.define} or {@code Gauge.define},
     * counted through {@link org.xencommlab.api.metrics.RunMetrics}. Every report format, the
     * cost-model file and the JSON schema then show them with no change elsewhere. An
     * implementation must return the same handles on every call, and declare every handle its
     * code counts: a report refuses a count no loaded plugin declared. None by default.
     */
    default List<org.xencommlab.api.metrics.MetricDefinition> metrics() {
        return List.of();
    }

    /**
     * The cost events this arch adds to the cost model, each pricing counters the core or this
     * plugin declares ({@link org.xencommlab.api.metrics.CostDefinition}); a cost-model file may
     * override each by its key. An implementation must return equal definitions on every call.
     * None by default.
     */
    default List<org.xencommlab.api.metrics.CostDefinition> costs() {
        return List.of();
    }

    /** The Guice module wiring this backend with {@code parameters}. */
    Module module(Parameters parameters);
}
