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

/**
 * Reads a user's cost-model file: the defaults, with any of the keys of {@link CostEvent}
 * overridden. Two formats (docs/cost-model.md):
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

    /** The text of {@link #DEFAULTS_RESOURCE}, which loads to exactly {@link CostModel#defaults()}. */
    public static String defaultsFileText() {
        try (java.io.InputStream in = CostModelLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        requireNonNull(path, "path is null");
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
        return parse(text, name, Format.detect(name, text));
    }

    /**
     * The defaults overridden by {@code text}, a file called {@code name} (for messages).
     *
     * @throws CostModelException if the text holds anything invalid
     */
    public static CostModel parse(String text, String name, Format format) {
        requireNonNull(text, "text is null");
        requireNonNull(name, "name is null");
        Map<String, String> raw = switch (requireNonNull(format, "format is null")) {
            case JSON -> readJson(text, name);
            case PROPERTIES -> readProperties(text, name);
        };
        CostModel model = CostModel.defaults();
        List<String> keys = new ArrayList<>();
        Map<CostEvent, Double> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            CostEvent event = CostEvent.fromKey(entry.getKey()).orElseThrow(() -> new CostModelException(
                    "cost model " + name + ": unknown key '" + entry.getKey() + "'; valid keys: "
                            + CostEvent.validKeys()));
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
        for (Map.Entry<CostEvent, Double> entry : parsed.entrySet()) {
            model = model.with(entry.getKey(), entry.getValue(), source);
        }
        return model;
    }

    private static Map<String, String> readJson(String text, String name) {
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
            if (CostEvent.fromKey(field.getKey()).isPresent() && !value.isNumber()) {
                throw new CostModelException("cost model " + name + ": " + field.getKey() + " = " + value
                        + " is not a number; valid: " + CostEvent.fromKey(field.getKey()).get().describeValid());
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
