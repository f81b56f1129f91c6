package org.xencommlab.examples.cost;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.machine.wiring.PluginRegistry;

/**
 * Every count and cost event a lab reports: the core's ({@link Counter#core()},
 * {@link Gauge#core()}, {@link CoreCosts}) and those the loaded plugins declare
 * ({@link ArchPlugin#metrics()}, {@link ArchPlugin#costs()} and the same on
 * {@link StrategyPlugin}), checked and put in report order. Every report format, the cost-model
 * file and the JSON schema take their names from here, so a plugin's declaration reaches them with
 * no change elsewhere. Immutable.
 *
 * <p><b>Order.</b> Metric names: first those of {@link #SCHEMA_2_ORDER} that this catalog knows,
 * in that order (the order schema version 2 fixed, so reports of existing configurations stay byte
 * for byte the same); then every other counter, then every other gauge's names, each in
 * declaration order (the core's, then each arch plugin's by plugin name, then each strategy
 * plugin's by plugin name, each in the order its list gives). Cost keys: those of
 * {@link #SCHEMA_2_COSTS} first, in that order, then the others in declaration order. The
 * modelled time is summed in cost order.
 *
 * <p><b>Checks.</b> Every report name and cost key is unique (a gauge takes {@code <name>Peak},
 * {@code <name>Leaked} and, if reservable, {@code <name>Reserved}; {@code modelledNanos} is
 * taken); every counter a cost prices is in the catalog. A violation is an
 * {@link IllegalArgumentException} naming the plugin and the name.
 */
public final class MetricCatalog {
    /** The modelled time's report name. */
    public static final String MODELLED_NANOS = "modelledNanos";

    /**
     * The report order of schema version 2, when the metrics were closed enums. Names of it a plugin
     * declares ({@code registrations}, {@code unregistrations}, {@code descriptors},
     * {@code descriptorEntries}: ppc's) keep their place when that plugin is loaded.
     */
    public static final List<String> SCHEMA_2_ORDER = List.of("hypercalls", "hypervisorEntries", "guestSyscalls",
            "mlockCalls", "lockedPagesPeak", "registrations", "registrationsPeak", "registrationsLeaked",
            "xenHeapBytesPeak", "xenHeapBytesLeaked", "lockedPagesLeaked", "bytesToHypervisor", "bytesToGuest",
            "translationSteps", "retries", MODELLED_NANOS, "continuations", "munlockCalls", "mlockedPages",
            "munlockedPages", "unregistrations", "descriptors", "descriptorEntries", "hypervisorFaults", "pageFaults",
            "swapOuts", "swapIns", "migrations", "kernelCopyBytes", "extentsDone", "registrationsReserved",
            "xenHeapBytesReserved", "pinnedFramesPeak", "pinnedFramesLeaked", "pinnedFramesReserved",
            "deviceBytesReservedPeak", "deviceBytesReservedLeaked", "deviceBytesUsedPeak", "deviceBytesUsedLeaked");

    /** The headline metrics: the first 16 of {@link #SCHEMA_2_ORDER}, shown first in every format. */
    public static final List<String> HEADLINE = SCHEMA_2_ORDER.subList(0, 16);

    /** The cost-key order of schema version 2 (ppc's four keys among them). */
    public static final List<String> SCHEMA_2_COSTS = List.of("hypervisorEntryNanos", "continuationNanos",
            "guestSyscallNanos", "mlockCallNanos", "munlockCallNanos", "mlockedPageNanos", "munlockedPageNanos",
            "translationStepNanos", "registrationNanos", "unregistrationNanos", "descriptorNanos",
            "descriptorEntryNanos", "hypervisorFaultNanos", "pageFaultNanos", "swapOutNanos", "swapInNanos",
            "migrationNanos", "retryNanos", "extentNanos", "copyGigabytesPerSecond");

    private static final MetricCatalog CORE = new MetricCatalog(List.of());

    private final List<Counter> counters;
    private final List<Gauge> gauges;
    private final List<CostDefinition> costs;
    private final List<String> knownNames;
    private final List<String> required;
    private final List<String> headline;
    private final Map<String, MetricDefinition> byReportName;
    private final Map<String, String> owners;
    private final Map<String, CostDefinition> costsByKey;
    private final Map<String, String> costOwners;

    /** One plugin's declarations, for {@link #of(List)}. */
    public record Declaration(String owner, List<MetricDefinition> metrics, List<CostDefinition> costs) {
        public Declaration {
            requireNonNull(owner, "owner is null");
            metrics = List.copyOf(requireNonNull(metrics, () -> owner + " declares a null metric list"));
            costs = List.copyOf(requireNonNull(costs, () -> owner + " declares a null cost list"));
        }
    }

    private MetricCatalog(List<Declaration> declarations) {
        Map<String, MetricDefinition> names = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        List<Declaration> all = new ArrayList<>();
        List<MetricDefinition> core = new ArrayList<>(Counter.core());
        core.addAll(Gauge.core());
        all.add(new Declaration("the core", core, CoreCosts.all()));
        all.addAll(declarations);
        List<Counter> counters = new ArrayList<>();
        List<Gauge> gauges = new ArrayList<>();
        owners.put(MODELLED_NANOS, "the core");
        for (Declaration declaration : all) {
            for (MetricDefinition definition : declaration.metrics()) {
                requireNonNull(definition, () -> declaration.owner() + " declares a null metric");
                for (String name : definition.reportNames()) {
                    String previous = owners.putIfAbsent(name, declaration.owner());
                    if (previous != null) {
                        throw new IllegalArgumentException(declaration.owner() + " declares metric '" + name
                                + "', which " + previous + " already declares");
                    }
                    names.put(name, definition);
                }
                if (definition instanceof Counter counter) {
                    counters.add(counter);
                } else {
                    gauges.add((Gauge) definition);
                }
            }
        }
        Set<Counter> counterSet = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        counterSet.addAll(counters);
        Map<String, CostDefinition> costsByKey = new HashMap<>();
        Map<String, String> costOwners = new HashMap<>();
        this.costOwners = costOwners;
        List<CostDefinition> costs = new ArrayList<>();
        for (Declaration declaration : all) {
            for (CostDefinition cost : declaration.costs()) {
                requireNonNull(cost, () -> declaration.owner() + " declares a null cost");
                String previous = costOwners.putIfAbsent(cost.key(), declaration.owner());
                if (previous != null) {
                    throw new IllegalArgumentException(declaration.owner() + " declares cost '" + cost.key()
                            + "', which " + previous + " already declares");
                }
                for (Counter counter : cost.counters()) {
                    if (!counterSet.contains(counter)) {
                        throw new IllegalArgumentException(declaration.owner() + " declares cost '" + cost.key()
                                + "' on counter '" + counter.name() + "', which no loaded plugin declares");
                    }
                }
                costsByKey.put(cost.key(), cost);
                costs.add(cost);
            }
        }
        this.counters = List.copyOf(counters);
        this.gauges = List.copyOf(gauges);
        this.costs = ordered(costs, SCHEMA_2_COSTS, CostDefinition::key);
        this.byReportName = Map.copyOf(names);
        this.owners = Map.copyOf(owners);
        this.costsByKey = Map.copyOf(costsByKey);
        Set<String> order = new LinkedHashSet<>();
        for (String name : SCHEMA_2_ORDER) {
            if (owners.containsKey(name)) {
                order.add(name);
            }
        }
        counters.forEach(c -> order.addAll(c.reportNames()));
        gauges.forEach(g -> order.addAll(g.reportNames()));
        this.knownNames = List.copyOf(order);
        this.headline = HEADLINE.stream().filter(owners::containsKey).toList();
        this.required = HEADLINE.stream().filter(name -> "the core".equals(owners.get(name))).toList();
    }

    private static <T> List<T> ordered(List<T> items, List<String> fixed, java.util.function.Function<T, String> key) {
        Map<String, T> byKey = new LinkedHashMap<>();
        items.forEach(item -> byKey.put(key.apply(item), item));
        List<T> result = new ArrayList<>();
        for (String k : fixed) {
            T item = byKey.remove(k);
            if (item != null) {
                result.add(item);
            }
        }
        result.addAll(byKey.values());
        return List.copyOf(result);
    }

    /** The core's metrics and costs only. */
    public static MetricCatalog core() {
        return CORE;
    }

    /**
     * The core's and {@code declarations}' metrics and costs.
     *
     * @throws IllegalArgumentException naming the plugin and the name, for a name or key declared
     *     twice, or a cost on a counter nobody declares
     */
    public static MetricCatalog of(List<Declaration> declarations) {
        return new MetricCatalog(List.copyOf(declarations));
    }

    /**
     * The core's metrics and costs and those the plugins declare: arch plugins sorted by name, then
     * strategy plugins sorted by name.
     *
     * @throws IllegalArgumentException as {@link #of(List)}, naming the plugin as {@code arch x86}
     */
    public static MetricCatalog of(Collection<? extends ArchPlugin> archs, Collection<? extends StrategyPlugin> strategies) {
        List<Declaration> declarations = new ArrayList<>();
        archs.stream().sorted(java.util.Comparator.comparing(ArchPlugin::name))
                .forEach(p -> declarations.add(new Declaration("arch " + p.name(), p.metrics(), p.costs())));
        strategies.stream().sorted(java.util.Comparator.comparing(StrategyPlugin::name))
                .forEach(p -> declarations.add(new Declaration("strategy " + p.name(), p.metrics(), p.costs())));
        return of(declarations);
    }

    /**
     * The catalog of the plugins {@link PluginRegistry#discover()} finds on the lab's own class path,
     * made once. A lab that loads plugins from elsewhere builds its own with
     * {@link #of(Collection, Collection)}.
     *
     * @throws IllegalStateException if the plugins' declarations conflict
     */
    public static MetricCatalog classPath() {
        return ClassPath.CATALOG;
    }

    private static final class ClassPath {
        static final MetricCatalog CATALOG = load();

        private static MetricCatalog load() {
            PluginRegistry registry = PluginRegistry.discover();
            try {
                return of(registry.archs().values(), registry.strategies().values());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the plugins on the class path declare conflicting metrics: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Every counter, core first, in declaration order. */
    public List<Counter> counters() {
        return counters;
    }

    /** Every gauge, core first, in declaration order. */
    public List<Gauge> gauges() {
        return gauges;
    }

    /** Every cost event, in cost order (see the class comment). */
    public List<CostDefinition> costs() {
        return costs;
    }

    /** Every metric name a report of this catalog holds, {@code modelledNanos} included, in report order. */
    public List<String> knownNames() {
        return knownNames;
    }

    /** The {@link #HEADLINE} names this catalog knows, in that order. */
    public List<String> headline() {
        return headline;
    }

    /** The headline names the core declares: every report holds them whatever plugins are loaded. */
    public List<String> required() {
        return required;
    }

    /** The counter or gauge that reports {@code name} ({@code lockedPagesPeak}: the lockedPages gauge). */
    public Optional<MetricDefinition> definition(String name) {
        return Optional.ofNullable(byReportName.get(name));
    }

    /** Who declared {@code name}: {@code the core}, {@code arch ppc}, ... */
    public Optional<String> owner(String name) {
        return Optional.ofNullable(owners.get(name));
    }

    /** Who declared cost {@code key}: {@code the core}, {@code arch ppc}, ... */
    public Optional<String> costOwner(String key) {
        return Optional.ofNullable(costOwners.get(key));
    }

    /** The cost event whose key is {@code key}. */
    public Optional<CostDefinition> cost(String key) {
        return Optional.ofNullable(costsByKey.get(key));
    }

    /** Every cost key, comma-separated, for error messages. */
    public String validKeys() {
        return String.join(", ", costs.stream().map(CostDefinition::key).toList());
    }

    /** Every counter name the costs price, in cost order. */
    public List<String> pricedMetrics() {
        return costs.stream().flatMap(c -> c.metrics().stream()).toList();
    }
}
