package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.report.model.AggregateAccumulator;
import org.xencommlab.examples.report.model.ComparisonReport;
import org.xencommlab.examples.report.model.Configuration;
import org.xencommlab.examples.report.model.Metrics;
import org.xencommlab.examples.report.model.RunResult;
import org.xencommlab.examples.report.model.ScenarioInfo;

/**
 * A shard file: what {@code compare --shard I/N} measured, for {@code merge} to fold with the
 * other shards into the comparison's report (docs/report-schema.md, "Shard files"; JSON Schema
 * {@value #SCHEMA_RESOURCE}). It carries the lab version, the report schema version, the seed,
 * I and N, the whole {@link Definition} of the comparison with its {@link #digest()}, and the
 * shard's {@link ShardResults}: per configuration x scenario each metric's value to run count
 * (not every run, unless {@code --raw}), and the sweep runs it made.
 *
 * <p>The file ends with a {@code checksum}, the SHA-256 of the rest of its content, so a file that
 * was cut short, garbled or edited is refused rather than merged.
 *
 * @param toolVersion the version of xencomm-lab that ran the shard
 * @param seed the comparison's first seed
 * @param definition what defines the comparison
 * @param results what the shard measured
 */
public record ShardFile(String toolVersion, long seed, Definition definition, ShardResults results) {
    /** The {@code format} field every shard file starts with. */
    public static final String FORMAT = "xencomm-lab shard";

    /** The version of the shard file layout this code writes and reads. */
    public static final int SHARD_VERSION = 1;

    /** The class-path location of the shard file's JSON Schema (draft 2020-12). */
    public static final String SCHEMA_RESOURCE = "/org/xencommlab/examples/report/shard.schema.json";

    /** Shard files larger than this are refused unread. */
    public static final long MAX_BYTES = 1L << 30;

    public ShardFile {
        requireNonNull(toolVersion, "toolVersion is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(results, "results is null");
        if (results.runs() != results.shard().runsOf(definition.totalRuns())) {
            throw new IllegalArgumentException("shard " + results.shard() + " holds " + results.runs()
                    + " runs; its share of the comparison's " + definition.totalRuns() + " runs is "
                    + results.shard().runsOf(definition.totalRuns()));
        }
        if (!results.raw().isEmpty() && !definition.raw()) {
            throw new IllegalArgumentException("shard " + results.shard() + " keeps raw runs of a comparison that is not --raw");
        }
        int pairs = definition.configurations().size() * definition.scenarioInfos().size();
        if (results.accumulators().size() != pairs) {
            throw new IllegalArgumentException("shard " + results.shard() + " folds " + results.accumulators().size()
                    + " configuration x scenario pairs; its comparison has " + pairs);
        }
        int i = 0;
        for (ScenarioInfo scenario : definition.scenarioInfos()) {
            for (Configuration configuration : definition.configurations()) {
                AggregateAccumulator.FoldedRuns state = results.accumulators().get(i++);
                if (!state.configurationKey().equals(configuration) || !state.scenario().equals(scenario.name())
                        || !state.scenarioParameters().equals(scenario.parameters())) {
                    throw new IllegalArgumentException("shard " + results.shard() + ": pair " + i + " is "
                            + state.configurationKey().id() + " / " + state.scenario() + ", expected "
                            + configuration.id() + " / " + scenario.name());
                }
                if (state.runs() > definition.repeat()) {
                    throw new IllegalArgumentException("shard " + results.shard() + " folds " + state.runs()
                            + " runs of " + configuration.id() + " / " + scenario.name() + ", which runs "
                            + definition.repeat() + " seeds");
                }
            }
        }
    }

    /**
     * Everything that defines a comparison: two shards merge only if theirs are equal (and so are
     * their seeds and lab versions).
     *
     * @param archs the {@code --arch} names given (empty: every arch)
     * @param strategies the {@code --strategy} names given (empty: every strategy)
     * @param scenarios the scenario names, in report order
     * @param settings the {@code --set} pairs
     * @param repeat seeds per configuration x scenario
     * @param sweep whether sized scenarios are swept
     * @param sweepValues the {@code --sweep} values by size parameter
     * @param raw whether every run is kept
     * @param sensitivity whether the report gets the cost sensitivity section
     * @param totalRuns how many runs the whole comparison makes (own and sweep)
     * @param configurations the configurations as the report names them, in report order
     * @param scenarioInfos the scenarios with every parameter value, in report order
     * @param costModel the cost model that priced every run
     */
    @JsonPropertyOrder({"archs", "strategies", "scenarios", "settings", "repeat", "sweep", "sweepValues", "raw",
            "sensitivity", "totalRuns", "configurations", "scenarioInfos", "costModel"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Definition(List<String> archs, List<String> strategies, List<String> scenarios,
            SortedMap<String, String> settings, int repeat, boolean sweep, SortedMap<String, List<Long>> sweepValues,
            boolean raw, boolean sensitivity, int totalRuns, List<Configuration> configurations,
            List<ScenarioInfo> scenarioInfos, CostModel costModel) {
        public Definition {
            archs = List.copyOf(archs);
            strategies = List.copyOf(strategies);
            scenarios = List.copyOf(scenarios);
            settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
            TreeMap<String, List<Long>> values = new TreeMap<>();
            sweepValues.forEach((key, list) -> values.put(requireNonNull(key, "sweep key is null"), List.copyOf(list)));
            sweepValues = java.util.Collections.unmodifiableSortedMap(values);
            configurations = List.copyOf(configurations);
            scenarioInfos = List.copyOf(scenarioInfos);
            requireNonNull(costModel, "costModel is null");
            if (repeat < 1 || totalRuns < 0) {
                throw new IllegalArgumentException("bad comparison: repeat " + repeat + ", " + totalRuns + " runs");
            }
            if (scenarios.isEmpty() || configurations.isEmpty()) {
                throw new IllegalArgumentException("a comparison without scenarios or configurations");
            }
            if (!scenarios.equals(scenarioInfos.stream().map(ScenarioInfo::name).toList())) {
                throw new IllegalArgumentException("scenarios " + scenarios + " and their descriptions do not match");
            }
            if (Set.copyOf(configurations).size() != configurations.size()
                    || Set.copyOf(scenarios).size() != scenarios.size()) {
                throw new IllegalArgumentException("a configuration or scenario is listed twice");
            }
            long own = (long) configurations.size() * scenarios.size() * repeat;
            if (own > totalRuns || (!sweep && own != totalRuns)) {
                throw new IllegalArgumentException("a comparison of " + own + " own runs cannot make " + totalRuns);
            }
        }

        /** The number of the comparison's own runs (the rest are sweep runs). */
        public int ownRuns() {
            return configurations.size() * scenarios.size() * repeat;
        }
    }

    /** The SHA-256 of the seed and the definition: equal for shards of the same comparison. */
    public String digest() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("seed", seed);
        node.set("comparison", MAPPER.valueToTree(definition));
        return "sha256:" + sha256(node);
    }

    /** The file's text: pretty-printed JSON with {@code \n} line ends, ending in a newline. */
    public String write() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("shardVersion", SHARD_VERSION);
        root.put("schemaVersion", ComparisonReport.SCHEMA_VERSION);
        root.put("toolVersion", toolVersion);
        root.put("seed", seed);
        root.putObject("shard").put("index", results.shard().index()).put("count", results.shard().count());
        root.put("digest", digest());
        root.set("comparison", MAPPER.valueToTree(definition));
        root.put("runs", results.runs());
        root.set("catalogNames", MAPPER.valueToTree(results.catalogNames()));
        root.set("aggregates", MAPPER.valueToTree(results.accumulators()));
        ArrayNode sweeps = root.putArray("sweepRuns");
        results.sweepResults().forEach((index, result) -> {
            ObjectNode entry = sweeps.addObject();
            entry.put("index", index);
            entry.set("result", MAPPER.valueToTree(result));
        });
        root.set("results", MAPPER.valueToTree(results.raw()));
        root.put("checksum", "sha256:" + sha256(root));
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
        try {
            return MAPPER.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the shard file: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a shard file's text back. Whatever is wrong with it (cut short, garbled, edited, of
     * another layout) is an {@link IllegalArgumentException} with a one-line reason; nothing
     * else escapes.
     */
    public static ShardFile read(String text) {
        requireNonNull(text, "text is null");
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(oneLine(e.getMessage()), e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException("not a valid shard file: " + oneLine(e.getOriginalMessage()) + where, e);
        } catch (RuntimeException e) {
            // A value of the right JSON type that breaks an invariant deep down (a null, an
            // overflow): still bad input, never a crash.
            throw new IllegalArgumentException("not a valid shard file: " + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    private static ShardFile parse(String text) throws JsonProcessingException {
        if (text.isBlank()) {
            throw new IllegalArgumentException("not a shard file: it is empty");
        }
        JsonNode tree = MAPPER.readTree(text);
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a shard file: not a JSON object");
        }
        ObjectNode root = (ObjectNode) tree;
        if (!root.path("format").isTextual() || !FORMAT.equals(root.get("format").asText())) {
            throw new IllegalArgumentException("not a shard file: its format is not '" + FORMAT + "'"
                    + (root.has("aggregates") && root.has("configurations") ? " (it looks like a report)" : ""));
        }
        Set<String> expected = Set.of("format", "shardVersion", "schemaVersion", "toolVersion", "seed", "shard",
                "digest", "comparison", "runs", "catalogNames", "aggregates", "sweepRuns", "results", "checksum");
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!expected.contains(name)) {
                throw new IllegalArgumentException("shard file has an unknown field '" + name + "'");
            }
        }
        for (String name : expected) {
            if (!root.has(name) || root.get(name).isNull()) {
                throw new IllegalArgumentException("shard file lacks '" + name + "' (cut short?)");
            }
        }
        int shardVersion = integer(root, "shardVersion");
        if (shardVersion != SHARD_VERSION) {
            throw new IllegalArgumentException("shard file layout " + shardVersion + " is not supported; valid: " + SHARD_VERSION);
        }
        int schemaVersion = integer(root, "schemaVersion");
        if (schemaVersion != ComparisonReport.SCHEMA_VERSION) {
            throw new IllegalArgumentException("shard of report schema version " + schemaVersion
                    + "; this lab writes version " + ComparisonReport.SCHEMA_VERSION);
        }
        String checksum = text(root, "checksum");
        ObjectNode body = root.deepCopy();
        body.remove("checksum");
        if (!("sha256:" + sha256(body)).equals(checksum)) {
            throw new IllegalArgumentException("shard file checksum does not match its content: the file was altered or damaged");
        }
        JsonNode shardNode = root.get("shard");
        Shard shard = new Shard(integer(shardNode, "index"), integer(shardNode, "count"));
        Definition definition = MAPPER.treeToValue(root.get("comparison"), Definition.class);
        List<String> catalogNames = MAPPER.convertValue(root.get("catalogNames"), new TypeReference<List<String>>() {});
        List<AggregateAccumulator.FoldedRuns> accumulators = MAPPER.convertValue(root.get("aggregates"),
                new TypeReference<List<AggregateAccumulator.FoldedRuns>>() {});
        SortedMap<Integer, RunResult> sweepResults = new TreeMap<>();
        for (JsonNode entry : array(root, "sweepRuns")) {
            int index = integer(entry, "index");
            if (entry.size() != 2 || !entry.has("result")) {
                throw new IllegalArgumentException("a sweep run is {index, result}");
            }
            RunResult result = inCatalogOrder(MAPPER.treeToValue(entry.get("result"), RunResult.class), catalogNames);
            if (sweepResults.put(index, result) != null) {
                throw new IllegalArgumentException("sweep run " + index + " is listed twice");
            }
        }
        List<RunResult> raw = new ArrayList<>();
        for (JsonNode entry : array(root, "results")) {
            raw.add(inCatalogOrder(MAPPER.treeToValue(entry, RunResult.class), catalogNames));
        }
        ShardResults results = new ShardResults(shard, integer(root, "runs"), catalogNames, accumulators, sweepResults, raw);
        ShardFile file = new ShardFile(text(root, "toolVersion"), longValue(root, "seed"), definition, results);
        if (!file.digest().equals(text(root, "digest"))) {
            throw new IllegalArgumentException("shard file digest does not match its comparison: the file was altered");
        }
        return file;
    }

    private static RunResult inCatalogOrder(RunResult result, List<String> catalogNames) {
        if (result == null) {
            throw new IllegalArgumentException("a run result is null");
        }
        Metrics metrics = Metrics.inCatalogOrder(result.metrics().asMap(), catalogNames);
        return new RunResult(result.arch(), result.strategy(), result.variant(), result.scenario(),
                result.scenarioParameters(), result.seed(), result.outcome(), result.failure(), result.errors(), metrics);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("shard file: '" + field + "' is not a string");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("shard file: '" + field + "' is not a whole number");
        }
        return value.intValue();
    }

    private static long longValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("shard file: '" + field + "' is not a whole number");
        }
        return value.longValue();
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("shard file: '" + field + "' is not a list");
        }
        return value;
    }

    private static String oneLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String sha256(JsonNode node) {
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(node);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final ObjectMapper MAPPER = mapper();

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        return mapper;
    }

}
