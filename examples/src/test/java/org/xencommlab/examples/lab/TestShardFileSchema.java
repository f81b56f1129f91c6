package org.xencommlab.examples.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xencommlab.examples.report.ReportJson;

/** The shipped JSON Schema of the shard file describes what {@link ShardFile#write} writes, and no less. */
final class TestShardFileSchema {
    private final ObjectMapper mapper = new ObjectMapper();

    private static Set<ValidationMessage> validate(JsonNode shard) throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("urn:xencomm-lab:comparison-report:2",
                        "classpath:" + ReportJson.SCHEMA_RESOURCE.substring(1))));
        try (InputStream in = ShardFile.class.getResourceAsStream(ShardFile.SCHEMA_RESOURCE)) {
            assertThat(in).as(ShardFile.SCHEMA_RESOURCE).isNotNull();
            JsonSchema schema = factory.getSchema(in);
            return schema.validate(shard);
        }
    }

    @Test
    void aWrittenShardValidates() throws IOException {
        JsonNode shard = mapper.readTree(ShardFileProperties.TEXT);
        assertThat(shard.get("sweepRuns").size()).isPositive();
        assertThat(shard.get("results").size()).isPositive();
        assertThat(validate(shard)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/format", "/shard/index", "/digest", "/comparison/configurations", "/comparison/costModel",
        "/aggregates/0/metrics", "/aggregates/0/runs", "/checksum", "/sweepRuns/0/result/metrics/hypercalls",
        "/results/0/seed"})
    void removingARequiredFieldFailsValidation(String pointer) throws IOException {
        JsonNode shard = mapper.readTree(ShardFileProperties.TEXT);
        String field = pointer.substring(pointer.lastIndexOf('/') + 1);
        ObjectNode parent = (ObjectNode) shard.at(pointer.substring(0, pointer.lastIndexOf('/')));
        assertThat(parent.has(field)).as(pointer).isTrue();
        parent.remove(field);
        assertThat(validate(shard)).as(pointer).isNotEmpty();
    }

    @Test
    void brokenValuesFailValidation() throws IOException {
        JsonNode shard = mapper.readTree(ShardFileProperties.TEXT);
        ((ObjectNode) shard.at("/shard")).put("count", 0);
        assertThat(validate(shard)).isNotEmpty();
        shard = mapper.readTree(ShardFileProperties.TEXT);
        ((ObjectNode) shard.at("/aggregates/0/metrics")).putObject("hypercalls").put("0", 1);
        assertThat(validate(shard)).isNotEmpty();
        shard = mapper.readTree(ShardFileProperties.TEXT);
        ((ObjectNode) shard.at("/aggregates/0/errors")).putObject("EWHATEVER").put("1", 1);
        assertThat(validate(shard)).isNotEmpty();
        shard = mapper.readTree(ShardFileProperties.TEXT);
        ((ObjectNode) shard).put("checksum", "md5:00");
        assertThat(validate(shard)).isNotEmpty();
    }
}
