package dev.conversationworker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * The topics' contract as published in {@code docs/asyncapi.yaml}: each topic's record checked against the JSON
 * Schemas (draft 2020-12) of {@code docs/schemas}, with format assertions on. The Kafka test client checks every record
 * a test produces and consumes with it, so the published schemas cannot drift from what the worker does.
 */
public final class ContractSchemas {

    public static final Path DOCS = Path.of("docs");
    public static final Path SCHEMAS = DOCS.resolve("schemas");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = SCHEMAS.toAbsolutePath().toUri().toString();
    /** Reads the schemas, and what they refer to, from docs/schemas: never from the network. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, registry -> registry.schemas(ContractSchemas::local));
    private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

    /** What a topic carries: its value's schema (null: any bytes) and its header set's (null: not in the contract). */
    public enum Topic {

        CHAT_EVENTS("chat-event.json", null, true), CHAT_EVENT_DEAD_LETTERS(null, "chat-event-dead-letter-headers.json",
                false), ANALYSES("conversation-analysis.json", "conversation-analysis-headers.json",
                        true), NOTIFICATIONS("oncall-notification.json", "oncall-notification-headers.json",
                                false), NOTIFICATION_DEAD_LETTERS(null, "notification-dead-letter-headers.json", false);

        private final String valueSchema;
        private final String headersSchema;
        private final boolean keyedByConversationId;

        Topic(String valueSchema, String headersSchema, boolean keyedByConversationId) {
            this.valueSchema = valueSchema;
            this.headersSchema = headersSchema;
            this.keyedByConversationId = keyedByConversationId;
        }
    }

    private ContractSchemas() {
    }

    /** Where {@code record} breaks the contract of {@code topic}, one line each; empty when it keeps it. */
    public static List<String> violations(Topic topic, byte[] key, byte[] value, Iterable<Header> headers) {
        List<String> found = new ArrayList<>();
        JsonNode json = null;
        if (topic.valueSchema != null) {
            try {
                json = JSON.readTree(utf8(value));
                found.addAll(violations(topic.valueSchema, json));
            } catch (IOException | RuntimeException e) {
                found.add("value is not UTF-8 JSON: " + e.getMessage());
            }
        }
        if (topic.headersSchema != null) {
            found.addAll(violations(topic.headersSchema, headers(headers)));
        }
        if (topic.keyedByConversationId && json != null && json.path("conversationId").isTextual()
                && !Arrays.equals(key, json.get("conversationId").textValue().getBytes(StandardCharsets.UTF_8))) {
            found.add("key is not the conversationId");
        }
        return found;
    }

    /** Where {@code instance} breaks the schema in {@code docs/schemas/<file>}, one line each. */
    public static List<String> violations(String file, JsonNode instance) {
        List<Error> errors = schema(file).validate(instance,
                context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
        return errors.stream().map(e -> file + ": " + e.getInstanceLocation() + " " + e.getMessage()).toList();
    }

    /** The schema in {@code docs/schemas/<file>}, its {@code $ref}s resolved against its own location. */
    public static Schema schema(String file) {
        return LOADED.computeIfAbsent(file, f -> {
            Schema schema = REGISTRY.getSchema(SchemaLocation.of(BASE + f));
            schema.initializeValidators(); // resolves every $ref now, so a dangling one fails here
            return schema;
        });
    }

    /** The header set as the schemas see it: name to UTF-8 value; a name given twice, to the array of its values. */
    public static ObjectNode headers(Iterable<Header> headers) {
        ObjectNode object = JSON.createObjectNode();
        if (headers == null) {
            return object;
        }
        for (Header header : headers) {
            String value = header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            JsonNode before = object.get(header.key());
            if (before == null) {
                object.put(header.key(), value);
            } else {
                ArrayNode values = before.isArray() ? (ArrayNode) before : JSON.createArrayNode().add(before);
                object.set(header.key(), values.add(value));
            }
        }
        return object;
    }

    private static String local(String iri) {
        if (!iri.startsWith(BASE)) {
            return null;
        }
        try {
            return Files.readString(SCHEMAS.resolve(iri.substring(BASE.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String utf8(byte[] value) throws CharacterCodingException {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
    }
}
