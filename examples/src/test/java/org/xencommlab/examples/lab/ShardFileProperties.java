package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.examples.cost.CostModel;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * The shard file reader takes input from other machines: whatever is wrong with a file (cut
 * short, bytes garbled, spans lost, a value swapped for another of any JSON type even with the
 * checksum made to match) it is refused with an {@link IllegalArgumentException} of one clear
 * line, or, if the damage changed nothing that counts, it reads back to the very same shard.
 * No other exception escapes.
 */
final class ShardFileProperties {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Shard 1/2 of a small comparison, as written (other tests use it too). */
    static final String TEXT = sampleShard();
    private static final List<JsonPointer> VALUES = valuePointers();

    /** Shard 1/2 of a small comparison with variants, two seeds, a sweep and every run kept. */
    private static String sampleShard() {
        RunInjectors injectors = new RunInjectors(PluginRegistry.discover());
        Scenario balloon = ScenarioCatalog.standard().get("balloon");
        Scenario pressure = ScenarioCatalog.standard().get("memory-pressure");
        Comparison comparison = new Comparison(List.of("x86"), List.of("pointer"), List.of(balloon, pressure), Map.of(),
                1, 2, true, Map.of("balloon-pages", List.of(16L, 64L)), true);
        Shard shard = new Shard(1, 2);
        ShardResults results = comparison.runShard(injectors, CostModel.defaults(), shard, 2, done -> {});
        ShardFile.Definition definition = new ShardFile.Definition(comparison.archs(), comparison.strategies(),
                List.of("balloon", "memory-pressure"), new java.util.TreeMap<>(), 2, true,
                new java.util.TreeMap<>(comparison.sweepValues()), true, false, comparison.totalRuns(injectors.registry()),
                comparison.reportedConfigurations(injectors), comparison.scenarioInfos(), CostModel.defaults());
        String text = new ShardFile("test", 1, definition, results).write();
        assertThat(ShardFile.read(text).write()).isEqualTo(text);
        return text;
    }

    private static List<JsonPointer> valuePointers() {
        List<JsonPointer> pointers = new ArrayList<>();
        collect(read(TEXT), JsonPointer.empty(), pointers);
        return List.copyOf(pointers);
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> into) {
        if (!at.matches()) {
            into.add(at);
        }
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String name = names.next();
                collect(node.get(name), at.appendProperty(name), into);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at.appendIndex(i), into);
            }
        }
    }

    private static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The file read back, or the refusal checked to be one clear line. */
    private static void refusedOrUnchanged(String garbled) {
        ShardFile file;
        try {
            file = ShardFile.read(garbled);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return;
        }
        assertThat(file.write()).isEqualTo(TEXT);
    }

    /** The file read back, or the refusal checked to be one clear line; what reads is a whole shard. */
    private static void refusedOrConsistent(String edited) {
        ShardFile file;
        try {
            file = ShardFile.read(edited);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return;
        }
        assertThat(file.results().runs()).isEqualTo(file.results().shard().runsOf(file.definition().totalRuns()));
        assertThat(ShardFile.read(file.write()).write()).isEqualTo(file.write());
    }

    @Property(tries = 200)
    void aFileCutShortIsRefused(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
        int cut = seed % (TEXT.length() - 1); // keeps at most everything but the closing brace and newline
        try {
            ShardFile.read(TEXT.substring(0, cut));
            throw new AssertionError("a file cut at " + cut + " of " + TEXT.length() + " was read");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Property(tries = 300)
    void garbledBytesAreRefusedOrChangeNothing(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0) Integer> places,
            @ForAll @Size(min = 6, max = 6) List<@IntRange(min = 0, max = 127) Integer> bytes) {
        char[] text = TEXT.toCharArray();
        for (int i = 0; i < places.size(); i++) {
            text[places.get(i) % text.length] = (char) bytes.get(i).intValue();
        }
        refusedOrUnchanged(new String(text));
    }

    @Property(tries = 200)
    void aLostOrRepeatedSpanIsRefusedOrChangesNothing(@ForAll @IntRange(min = 0) int from,
            @ForAll @IntRange(min = 1, max = 400) int length, @ForAll boolean repeated) {
        int start = from % TEXT.length();
        int end = Math.min(TEXT.length(), start + length);
        String span = TEXT.substring(start, end);
        refusedOrUnchanged(TEXT.substring(0, start) + (repeated ? span + span : "") + TEXT.substring(end));
    }

    @Provide
    Arbitrary<JsonNode> anyValue() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return Arbitraries.of(f.nullNode(), f.numberNode(-1), f.numberNode(0), f.numberNode(1), f.numberNode(2),
                f.numberNode(Long.MAX_VALUE), f.numberNode(Long.MIN_VALUE), f.numberNode(1.5), f.numberNode(1e300),
                f.textNode(""), f.textNode("x"), f.textNode("EFAULT"), f.booleanNode(true), f.arrayNode(),
                f.objectNode(), f.arrayNode().add(1), f.objectNode().put("1", 1));
    }

    @Property(tries = 400)
    void anyValueSwappedEvenWithTheChecksumRedoneIsRefusedOrConsistent(@ForAll @IntRange(min = 0) int which,
            @ForAll("anyValue") JsonNode value, @ForAll boolean redoDigest) {
        ObjectNode root = (ObjectNode) read(TEXT);
        JsonPointer at = VALUES.get(which % VALUES.size());
        JsonNode parent = root.at(at.head());
        String last = at.last().getMatchingProperty();
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value.deepCopy());
        } else {
            ((ArrayNode) parent).set(at.last().getMatchingIndex(), value.deepCopy());
        }
        if (redoDigest && root.get("comparison") != null && root.get("seed") != null) {
            ObjectNode digested = MAPPER.createObjectNode();
            digested.set("seed", root.get("seed"));
            digested.set("comparison", root.get("comparison"));
            root.put("digest", "sha256:" + sha256(digested));
        }
        root.remove("checksum");
        root.put("checksum", "sha256:" + sha256(root));
        refusedOrConsistent(root.toPrettyString());
    }

    @Property(tries = 100)
    void anyTextIsRefusedWithOneLine(@ForAll String text) {
        try {
            ShardFile.read(text);
            throw new AssertionError("read a shard from " + text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    private static String sha256(JsonNode node) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
