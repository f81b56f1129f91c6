package org.xencommlab.examples.cost;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.xencommlab.api.metrics.CostDefinition;

/**
 * Reads a user's cost-model file: the defaults, with any of the cost keys of a
 * {@link MetricCatalog} (the core's and the loaded plugins') overridden. Two formats (docs/cost-model.md):
 * <ul>
 *   <li>JSON: one object of key to number, {@code {"hypervisorEntryNanos": 650}};</li>
 *   <li>Java properties: {@code hypervisorEntryNanos = 650}, {@code #} comments.</li>
 * </ul>
 * A file ending in {@code .json} is JSON, one ending in {@code .properties} is properties; any
 * other is JSON when its first non-blank character is <code>{</code>.
 *
 * <p>An unknown key, a duplicate key, a value that is not a plain decimal number, a negative cost
 * or a bandwidth of 0 is rejected with a {@link CostModelException} whose one-line message names
 * the file, the key and what is valid. Nothing is partially applied.
 */
public final class CostModelLoader {
    /**
     * The largest per-event cost accepted: one second. A run counts at most a few hundred million
     * events, so modelled times stay far below {@code Long.MAX_VALUE} nanoseconds (292 years)
     * instead of saturating there.
     */
    static final double MAX_NANOS_PER_EVENT = 1e9;
    /** The smallest copy bandwidth accepted, for the same reason: 1 MB/s. */
    static final double MIN_GIGABYTES_PER_SECOND = 0.001;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** A file holding every default with its reasoning, for users to copy and edit. */
    public static final String DEFAULTS_RESOURCE = "/org/xencommlab/examples/report/default-cost-model.properties";

    private CostModelLoader() {}

    /**
     * The class-path catalog's defaults as a file to copy and edit: {@link #defaultsFileText(MetricCatalog)}
     * of {@link MetricCatalog#classPath()}. {@link #DEFAULTS_RESOURCE} holds the same text.
     */
    public static String defaultsFileText() {
        return defaultsFileText(MetricCatalog.classPath());
    }

    /**
     * Every cost of {@code catalog} at its default, each under its description, who declares it and
     * where its default comes from, as a properties file that loads to exactly
     * {@link CostModel#defaults(MetricCatalog)}. A plugin's costs appear with no change here.
     */
    public static String defaultsFileText(MetricCatalog catalog) {
        StringBuilder out = new StringBuilder();
        out.append("# xencomm-lab's default cost model (docs/cost-model.md), as a file to copy and edit:\n")
                .append("#   xencomm-lab compare --cost-model my-costs.properties\n")
                .append("# Keep only the keys you change; every other key keeps its default. Values are nanoseconds per\n")
                .append("# event, except bandwidths in GB/s (bytes per ns, must be > 0). Unknown keys, negative or\n")
                .append("# non-numeric values are rejected with a one-line error naming the key.\n");
        for (CostDefinition event : catalog.costs()) {
            out.append('\n').append("# ").append(event.description()).append(" (").append(event.unit().symbol())
                    .append("; ").append(declarer(catalog, event)).append(")\n");
            for (String line : wrap(event.source(), 96)) {
                out.append("# ").append(line).append('\n');
            }
            double value = event.defaultValue();
            out.append(event.key()).append(" = ")
                    .append(value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                            : Double.toString(value))
                    .append('\n');
        }
        return out.toString();
    }

    private static String declarer(MetricCatalog catalog, CostDefinition event) {
        String owner = catalog.costOwner(event.key()).orElse("the core");
        return owner.equals("the core") ? "core" : "declared by " + owner;
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** The format of a cost-model file. */
    public enum Format {
        JSON,
        PROPERTIES;

        /** The format of a file named {@code name} holding {@code text}. */
        public static Format detect(String name, String text) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".json")) {
                return JSON;
            }
            if (lower.endsWith(".properties")) {
                return PROPERTIES;
            }
            return text.strip().startsWith("{") ? JSON : PROPERTIES;
        }
    }

    /**
     * The defaults overridden by the file at {@code path}.
     *
     * @throws CostModelException if the file cannot be read or holds anything invalid
     */
    public static CostModel load(Path path) {
        return load(path, MetricCatalog.classPath());
    }

    /**
     * {@code catalog}'s defaults overridden by the file at {@code path}.
     *
     * @throws CostModelException if the file cannot be read or holds anything invalid
     */
    public static CostModel load(Path path, MetricCatalog catalog) {
        requireNonNull(path, "path is null");
        requireNonNull(catalog, "catalog is null");
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CostModelException("cannot read cost model " + path + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CostModelException("cannot read cost model " + path + ": permission denied", e);
        } catch (CharacterCodingException e) {
            throw new CostModelException("cannot read cost model " + path + ": it is not UTF-8 text (save it as UTF-8;"
                    + " keys and numbers are plain ASCII)", e);
        } catch (IOException e) {
            throw new CostModelException("cannot read cost model " + path + ": "
                    + (Files.isDirectory(path) ? "it is a directory" : describe(e)), e);
        }
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        return parse(text, name, Format.detect(name, text), catalog);
    }

    /**
     * The defaults overridden by {@code text}, a file called {@code name} (for messages).
     *
     * @throws CostModelException if the text holds anything invalid
     */
    public static CostModel parse(String text, String name, Format format) {
        return parse(text, name, format, MetricCatalog.classPath());
    }

    /**
     * {@code catalog}'s defaults overridden by {@code text}, a file called {@code name} (for messages).
     *
     * @throws CostModelException if the text holds anything invalid
     */
    public static CostModel parse(String text, String name, Format format, MetricCatalog catalog) {
        requireNonNull(text, "text is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(name, "name is null");
        Map<String, String> raw = switch (requireNonNull(format, "format is null")) {
            case JSON -> readJson(text, name, catalog);
            case PROPERTIES -> readProperties(text, name);
        };
        CostModel model = CostModel.defaults(catalog);
        List<String> keys = new ArrayList<>();
        Map<CostDefinition, Double> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            CostDefinition event = catalog.cost(entry.getKey()).orElseThrow(() -> new CostModelException(
                    "cost model " + name + ": unknown key '" + entry.getKey() + "'; valid keys: "
                            + catalog.validKeys()));
            String value = entry.getValue().strip();
            if (!DECIMAL.matcher(value).matches()) {
                throw new CostModelException("cost model " + name + ": " + event.key() + " = '" + value
                        + "' is not a number; valid: " + event.describeValid());
            }
            double number = Double.parseDouble(value);
            if (!event.accepts(number)) {
                throw new CostModelException("cost model " + name + ": " + event.key() + " = " + value
                        + " is out of range; valid: " + event.describeValid());
            }
            if (event.isBandwidth() ? number < MIN_GIGABYTES_PER_SECOND : number > MAX_NANOS_PER_EVENT) {
                throw new CostModelException("cost model " + name + ": " + event.key() + " = " + value
                        + " is out of range: it would overflow modelledNanos; valid: " + (event.isBandwidth()
                                ? "at least " + MIN_GIGABYTES_PER_SECOND + " GB/s (1 MB/s)"
                                : "at most " + (long) MAX_NANOS_PER_EVENT + " ns (one second per event)"));
            }
            parsed.put(event, number);
            keys.add(event.key());
        }
        if (parsed.isEmpty()) {
            return model;
        }
        String source = "defaults overridden by " + name + " (" + String.join(", ", keys) + ")";
        for (Map.Entry<CostDefinition, Double> entry : parsed.entrySet()) {
            model = model.with(entry.getKey(), entry.getValue(), source);
        }
        return model;
    }

    private static Map<String, String> readJson(String text, String name, MetricCatalog catalog) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                // Keep 1e400 as written, so it is reported as out of range rather than as "Infinity".
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonParseException e) {
            throw new CostModelException("cost model " + name + ": not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (JsonProcessingException e) {
            throw new CostModelException("cost model " + name + ": not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || root.isMissingNode()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new CostModelException("cost model " + name
                    + ": must be a JSON object of key to number, such as {\"hypervisorEntryNanos\": 650}");
        }
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode value = field.getValue();
            if (catalog.cost(field.getKey()).isPresent() && !value.isNumber()) {
                throw new CostModelException("cost model " + name + ": " + field.getKey() + " = " + value
                        + " is not a number; valid: " + catalog.cost(field.getKey()).get().describeValid());
            }
            raw.put(field.getKey(), value.isNumber() ? value.numberValue().toString() : value.toString());
        }
        return raw;
    }

    private static Map<String, String> readProperties(String text, String name) {
        Map<String, String> raw = new LinkedHashMap<>();
        // Properties hides a repeated key by keeping the last; catch it here instead.
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (raw.putIfAbsent((String) key, (String) value) != null) {
                    throw new CostModelException("cost model " + name + ": key '" + key + "' is set twice");
                }
                return super.put(key, value);
            }
        };
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new CostModelException("cost model " + name + ": not a valid properties file: " + describe(e), e);
        }
        return raw;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
