package org.xencommlab.examples.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.xencommlab.api.metrics.CostDefinition;
import org.xencommlab.examples.cost.MetricCatalog;

/**
 * The JSON Schema of the report for one {@link MetricCatalog}: the shipped schema
 * ({@link ReportJson#SCHEMA_RESOURCE}) with its metric and cost sections made from the catalog,
 * so a plugin's counters, gauges and cost events are described and allowed with no change
 * elsewhere. Made from {@link MetricCatalog#classPath()}, it is exactly the shipped file (a test
 * keeps them equal).
 *
 * <p>What the catalog sets: {@code $defs/metrics} and {@code $defs/statMetrics} (required names:
 * {@link MetricCatalog#required()}; one property per {@link MetricCatalog#knownNames() known
 * name}, with its {@link MetricDescriptions description}) and {@code $defs/costModel}'s
 * {@code costs} (every cost key required, with its description; ns costs refer to
 * {@code $defs/nanos}, bandwidths must be above 0).
 */
public final class ReportSchema {
    private ReportSchema() {}

    /** The schema for {@code catalog}, as JSON text ending in a newline. */
    public static String of(MetricCatalog catalog) {
        requireNonNull(catalog, "catalog is null");
        ObjectMapper mapper = JsonMapper.builder().build();
        ObjectNode schema;
        try (InputStream in = ReportJson.openSchema()) {
            schema = (ObjectNode) mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode defs = (ObjectNode) schema.get("$defs");
        fillMetrics((ObjectNode) defs.get("metrics"), catalog, "#/$defs/count");
        fillMetrics((ObjectNode) defs.get("statMetrics"), catalog, "#/$defs/stat");
        ObjectNode costs = (ObjectNode) defs.at("/costModel/properties/costs");
        ArrayNode required = costs.putArray("required");
        ObjectNode properties = mapper.createObjectNode();
        for (CostDefinition cost : catalog.costs()) {
            required.add(cost.key());
            ObjectNode property = properties.putObject(cost.key());
            if (cost.isBandwidth()) {
                property.put("type", "number").put("exclusiveMinimum", 0)
                        .put("description", cost.description() + ", in GB/s (bytes per ns)");
            } else {
                property.put("$ref", "#/$defs/nanos").put("description", cost.description() + ", in ns");
            }
        }
        costs.set("properties", properties);
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withObjectIndenter(indenter).withArrayIndenter(indenter);
        try {
            return mapper.writer(printer).writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the schema: " + e.getOriginalMessage(), e);
        }
    }

    private static void fillMetrics(ObjectNode metrics, MetricCatalog catalog, String ref) {
        ArrayNode required = metrics.putArray("required");
        List<String> names = catalog.required();
        names.forEach(required::add);
        ObjectNode properties = JsonMapper.builder().build().createObjectNode();
        for (String name : catalog.knownNames()) {
            properties.putObject(name).put("$ref", ref)
                    .put("description", MetricDescriptions.of(catalog, name).orElseThrow());
        }
        metrics.set("properties", properties);
    }
}
