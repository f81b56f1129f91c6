package org.xencommlab.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.MetricDefinition;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.cost.CostModelLoader;
import org.xencommlab.examples.cost.MetricCatalog;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.strategy.pointer.plugin.PointerStrategyPlugin;

/**
 * A plugin that declares its own counter, gauge and cost event sees them in every format: the
 * table, JSON, CSV, HTML, the cost-model file (defaults and overrides) and the JSON schema, with
 * no change to any class of the lab.
 */
final class TestPluginMetricsInEveryFormat {
    static final Counter WIDGETS = Counter.define("meteredWidgets", "widgets the metered backend turned", "widgets");
    static final Gauge POOL = Gauge.define("meteredPoolSlots", "slots of the metered backend's pool in use", "slots");
    static final CostDefinition WIDGET = CostDefinition.nanosPerEvent("meteredWidgetNanos",
            "turning one widget", 25, "Estimate for the test: a widget costs 25 ns.", WIDGETS);

    /** x86 with its own counts: a real plugin (its module is x86's) that declares what it counts. */
    static final class MeteredArchPlugin implements ArchPlugin {
        private final X86ArchPlugin x86 = new X86ArchPlugin();

        @Override
        public String name() {
            return "metered";
        }

        @Override
        public String description() {
            return "x86 that also counts widgets";
        }

        @Override
        public PageSize pageSize() {
            return x86.pageSize();
        }

        @Override
        public List<ParameterSpec> parameters() {
            return x86.parameters();
        }

        @Override
        public Module module(Parameters parameters) {
            return x86.module(parameters);
        }

        @Override
        public List<MetricDefinition> metrics() {
            return List.of(WIDGETS, POOL);
        }

        @Override
        public List<CostDefinition> costs() {
            return List.of(WIDGET);
        }
    }

    static final Counter HANDLES = Counter.define("meteredHandles", "guest handles the metered strategy wrote", "handles");
    static final CostDefinition HANDLE = CostDefinition.nanosPerEvent("meteredHandleNanos", "writing one handle", 3,
            "Estimate for the test: one store.", HANDLES);

    /** The pointer strategy with a count of its own: a strategy declares metrics the same way. */
    static final class MeteredStrategyPlugin implements StrategyPlugin {
        private final PointerStrategyPlugin pointer = new PointerStrategyPlugin();

        @Override
        public String name() {
            return "metered-pointer";
        }

        @Override
        public String description() {
            return "pointer that also counts handles";
        }

        @Override
        public ArgumentStrategy create(Parameters parameters) {
            return pointer.create(parameters);
        }

        @Override
        public List<MetricDefinition> metrics() {
            return List.of(HANDLES);
        }

        @Override
        public List<CostDefinition> costs() {
            return List.of(HANDLE);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    private static MetricCatalog catalog() {
        PluginRegistry registry = PluginRegistry.discover();
        List<ArchPlugin> archs = new ArrayList<>(registry.archs().values());
        archs.add(new MeteredArchPlugin());
        return MetricCatalog.of(archs, registry.strategies().values());
    }

    private static ComparisonReport report(MetricCatalog catalog, CostModel costModel) {
        RunMetrics run = new RunMetrics();
        run.increment(Counter.HYPERCALLS);
        run.add(Counter.HYPERVISOR_ENTRIES, 2);
        run.add(WIDGETS, 7);
        run.adjust(POOL, 3);
        run.adjust(POOL, -2);
        Configuration configuration = Configuration.of("metered", "pointer");
        ScenarioInfo scenario = ScenarioInfo.of("widgets", "turns widgets", Map.of());
        RunResult result = RunResult.ok(configuration, "widgets", Map.of(), 1, run, costModel);
        return ComparisonReport.of(1, "0.1.0-test", List.of(configuration), List.of(scenario), costModel,
                List.of(result), List.of());
    }

    @Test
    void aPluginsCounterGaugeAndCostReachEveryFormat() throws IOException {
        MetricCatalog catalog = catalog();
        // The override file knows the plugin's key; the defaults file lists it with its source.
        CostModel costModel = CostModelLoader.parse("meteredWidgetNanos = 40\n", "mine.properties",
                CostModelLoader.Format.PROPERTIES, catalog);
        assertThat(costModel.value(WIDGET)).isEqualTo(40);
        assertThat(CostModelLoader.defaultsFileText(catalog))
                .contains("meteredWidgetNanos = 25", "declared by arch metered", "a widget costs 25 ns");
        ComparisonReport report = report(catalog, costModel);

        String json = ReportJson.write(report);
        JsonNode tree = mapper.readTree(json);
        JsonNode metrics = tree.at("/results/0/metrics");
        assertThat(metrics.get("meteredWidgets").asLong()).isEqualTo(7);
        assertThat(metrics.get("meteredPoolSlotsPeak").asLong()).isEqualTo(3);
        assertThat(metrics.get("meteredPoolSlotsLeaked").asLong()).isEqualTo(1);
        assertThat(metrics.get("modelledNanos").asLong()).isEqualTo(2 * 500 + 7 * 40);
        assertThat(tree.at("/aggregates/0/metrics/meteredWidgets").asLong()).isEqualTo(7);
        assertThat(tree.at("/costModel/costs/meteredWidgetNanos").asDouble()).isEqualTo(40);

        String schema = ReportSchema.of(catalog);
        assertThat(validate(schema, tree)).isEmpty();
        assertThat(mapper.readTree(schema).at("/$defs/metrics/properties/meteredWidgets/description").asText())
                .isEqualTo("widgets the metered backend turned");
        assertThat(mapper.readTree(schema).at("/$defs/costModel/properties/costs/required").toString())
                .contains("meteredWidgetNanos");
        // The shipped schema describes only the class path's plugins, so it refuses the new cost key.
        try (InputStream in = ReportJson.openSchema()) {
            assertThat(validate(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), tree))
                    .isNotEmpty();
        }

        assertThat(CsvRenderer.render(report).lines().findFirst().orElseThrow())
                .contains("meteredWidgets", "meteredPoolSlotsPeak", "meteredPoolSlotsLeaked");
        assertThat(TableRenderer.render(report)).contains("meteredWidgets");
        assertThat(HtmlRenderer.render(report)).contains("meteredWidgets", "widgets the metered backend turned",
                "meteredWidgetNanos", "a widget costs 25 ns");
    }

    @Test
    void aCountNoPluginDeclaredIsRefusedNotDropped() {
        Counter undeclared = Counter.define("meteredUndeclared", "a count nobody declares", "events");
        RunMetrics run = new RunMetrics();
        run.increment(undeclared);

        assertThatThrownBy(() -> RunResult.ok(Configuration.of("metered", "pointer"), "widgets", Map.of(), 1, run,
                CostModel.defaults(catalog())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the run counted 'meteredUndeclared', which no loaded plugin declares in metrics()");
    }

    @Test
    void aNameOrKeyDeclaredTwiceOrACostOnAnUndeclaredCounterIsRefused() {
        Counter hypercalls = Counter.define("hypercalls", "a second hypercalls", "calls");
        assertThatThrownBy(() -> MetricCatalog.of(List.of(new MetricCatalog.Declaration("arch clash",
                List.of(hypercalls), List.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arch clash declares metric 'hypercalls', which the core already declares");
        Gauge peak = Gauge.define("mlock", "a gauge whose Peak clashes", "pages");
        assertThatThrownBy(() -> MetricCatalog.of(List.of(new MetricCatalog.Declaration("arch clash",
                List.of(Counter.define("mlockPeak", "a counter", "pages"), peak), List.of()))))
                .hasMessage("arch clash declares metric 'mlockPeak', which arch clash already declares");
        assertThatThrownBy(() -> MetricCatalog.of(List.of(new MetricCatalog.Declaration("arch clash", List.of(),
                List.of(CostDefinition.nanosPerEvent("extentNanos", "again", 1, "test", Counter.EXTENTS_DONE))))))
                .hasMessage("arch clash declares cost 'extentNanos', which the core already declares");
        assertThatThrownBy(() -> MetricCatalog.of(List.of(new MetricCatalog.Declaration("arch lazy", List.of(),
                List.of(WIDGET)))))
                .hasMessage("arch lazy declares cost 'meteredWidgetNanos' on counter 'meteredWidgets', which no"
                        + " loaded plugin declares");
    }

    @Test
    void aPluginsMetricsFollowTheSchema2OrderAndLeaveItUnchanged() {
        MetricCatalog catalog = catalog();
        List<String> known = catalog.knownNames();
        assertThat(known.subList(0, MetricCatalog.SCHEMA_2_ORDER.size())).isEqualTo(MetricCatalog.SCHEMA_2_ORDER);
        // After them: what the lab's own plugins declare (percpu-page's counter, say), and the metered arch's.
        List<String> lab = MetricCatalog.classPath().knownNames();
        assertThat(lab.subList(0, MetricCatalog.SCHEMA_2_ORDER.size())).isEqualTo(MetricCatalog.SCHEMA_2_ORDER);
        List<String> labExtras = lab.subList(MetricCatalog.SCHEMA_2_ORDER.size(), lab.size());
        assertThat(known.subList(MetricCatalog.SCHEMA_2_ORDER.size(), known.size()))
                .containsSubsequence("meteredWidgets", "meteredPoolSlotsPeak", "meteredPoolSlotsLeaked")
                .containsAll(labExtras)
                .hasSize(labExtras.size() + 3);
        assertThat(catalog.costs().get(catalog.costs().size() - 1)).isSameAs(WIDGET);
    }

    @Test
    void aStrategyPluginDeclaresTheSameWayAndFollowsTheArchs() {
        PluginRegistry registry = PluginRegistry.discover();
        List<StrategyPlugin> strategies = new ArrayList<>(registry.strategies().values());
        strategies.add(new MeteredStrategyPlugin());
        List<ArchPlugin> archs = new ArrayList<>(registry.archs().values());
        archs.add(new MeteredArchPlugin());
        MetricCatalog catalog = MetricCatalog.of(archs, strategies);

        // Counters before gauges; among counters the archs' before the strategies' (each by plugin name).
        assertThat(catalog.knownNames()).containsSubsequence("meteredWidgets", "meteredHandles", "meteredPoolSlotsPeak",
                "meteredPoolSlotsLeaked");
        assertThat(catalog.knownNames()).endsWith("meteredPoolSlotsPeak", "meteredPoolSlotsLeaked");
        assertThat(catalog.owner("meteredHandles")).contains("strategy metered-pointer");
        assertThat(catalog.costs()).endsWith(WIDGET, HANDLE);
        RunMetrics run = new RunMetrics();
        run.add(HANDLES, 10);
        assertThat(Metrics.measured(run, CostModel.defaults(catalog)).get("modelledNanos")).isEqualTo(30);
    }

    private Set<ValidationMessage> validate(String schema, JsonNode report) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(report);
    }
}
