package dev.conversationworker.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.InvalidEventException;
import dev.conversationworker.model.Role;
import dev.conversationworker.support.SafeTruncation;

/**
 * Turns a record value into a {@link ChatEvent}, or says precisely why it cannot: every rule of the input
 * contract is checked here and nowhere else. Pure and thread-safe.
 */
public final class ChatEventParser {

    private static final Set<String> KNOWN_FIELDS = Set.of("eventId", "type", "conversationId", "timestamp", "role",
            "text", "userId", "channel", "language", "metadata");
    static final int MAX_METADATA_DEPTH = 32;
    /** The range of timestamps the contract accepts: [1970-01-01T00:00:00Z, 2100-01-01T00:00:00Z). */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };

    // Duplicate keys are ambiguous input (which value wins?) and are rejected rather than guessed.
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private final boolean rejectUnknownFields;
    private final int maxIdLength;

    public ChatEventParser(boolean rejectUnknownFields, int maxIdLength) {
        this.rejectUnknownFields = rejectUnknownFields;
        this.maxIdLength = maxIdLength;
    }

    /**
     * Parses a record: its value as {@link #parse(byte[])}, and its key, which must be the event's
     * {@code conversationId} in UTF-8. Kafka orders by key and the history is kept by {@code conversationId}: a
     * record whose key differs (or is missing) would be ordered apart from the rest of its conversation.
     */
    public ChatEvent parse(byte[] key, byte[] value) {
        ChatEvent event = parse(value);
        if (key == null) {
            throw new InvalidEventException("record has no key; it must be the conversationId '"
                    + truncate(event.conversationId()) + "'");
        }
        if (!Arrays.equals(key, event.conversationId().getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidEventException("record key '" + truncate(new String(key, StandardCharsets.UTF_8))
                    + "' is not the conversationId '" + truncate(event.conversationId()) + "'");
        }
        return event;
    }

    public ChatEvent parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("empty record value");
        }
        JsonNode root = readJson(decodeUtf8(value));
        if (!root.isObject()) {
            throw new InvalidEventException("event must be a JSON object, got " + root.getNodeType());
        }
        if (rejectUnknownFields) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!KNOWN_FIELDS.contains(name)) {
                    throw new InvalidEventException("unknown field '" + truncate(name) + "'");
                }
            }
        }
        String eventId = requiredId(root, "eventId");
        String typeName = requiredText(root, "type");
        EventType type = EventType.fromWire(typeName)
                .orElseThrow(() -> new InvalidEventException("unknown type '" + truncate(typeName) + "'"));
        String conversationId = requiredId(root, "conversationId");
        OffsetDateTime timestamp = timestamp(requiredText(root, "timestamp"));

        Role role = null;
        String text = null;
        if (type == EventType.MESSAGE) {
            String roleName = requiredText(root, "role");
            role = Role.fromWire(roleName).orElseThrow(() -> new InvalidEventException(
                    "role must be one of user, assistant, agent, system, got '" + truncate(roleName) + "'"));
            text = requiredText(root, "text");
        } else {
            optionalText(root, "role");
            optionalText(root, "text");
        }
        return new ChatEvent(eventId, type, conversationId, timestamp, role, text,
                optionalId(root, "userId"), optionalId(root, "channel"), optionalId(root, "language"),
                metadata(root));
    }

    private static String decodeUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("record value is not valid UTF-8", e);
        }
    }

    private static JsonNode readJson(String json) {
        try {
            JsonNode node = STRICT_JSON.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new InvalidEventException("record value holds no JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not valid JSON: " + withoutQuotedTokens(e.getOriginalMessage())
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")"),
                    e);
        }
    }

    /**
     * Jackson quotes the token it choked on ({@code Unrecognized token 'jane.doe@…'}): customer text, which the
     * reason must not carry into a log line. The dead letter keeps the record itself.
     */
    static String withoutQuotedTokens(String jacksonMessage) {
        return jacksonMessage == null ? "" : jacksonMessage.replaceAll("'[^']*'", "'…'");
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing required field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw new InvalidEventException("field '" + field + "' must be a string, got " + node.getNodeType());
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEventException("field '" + field + "' must be a string, got " + node.getNodeType());
        }
        return node.textValue();
    }

    private String requiredId(JsonNode root, String field) {
        String id = requiredText(root, field);
        if (id.isBlank()) {
            throw new InvalidEventException("field '" + field + "' must not be blank");
        }
        return checkIdLength(field, id);
    }

    private String optionalId(JsonNode root, String field) {
        String id = optionalText(root, field);
        return id == null ? null : checkIdLength(field, id);
    }

    private String checkIdLength(String field, String id) {
        if (id.length() > maxIdLength) {
            throw new InvalidEventException(
                    "field '" + field + "' is " + id.length() + " characters long, the limit is " + maxIdLength);
        }
        return id;
    }

    private static OffsetDateTime timestamp(String text) {
        OffsetDateTime timestamp;
        try {
            timestamp = IsoTimestamp.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(
                    "field 'timestamp' must be an ISO-8601 date-time with offset, got '" + truncate(text) + "'");
        }
        // Zero times (Go's 0001-01-01) and far futures are producer bugs, and durations from them overflow.
        Instant instant = timestamp.toInstant();
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw new InvalidEventException("field 'timestamp' must be from " + EARLIEST + " to before " + LATEST
                    + ", got '" + truncate(text) + "'");
        }
        return timestamp;
    }

    private static Map<String, Object> metadata(JsonNode root) {
        JsonNode node = root.get("metadata");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidEventException("field 'metadata' must be an object, got " + node.getNodeType());
        }
        checkDepth(node);
        return STRICT_JSON.convertValue(node, OBJECT_MAP);
    }

    /** Metadata is passed through, not a place for deep structures; the bound also keeps recursion shallow. */
    private static void checkDepth(JsonNode metadata) {
        Deque<Map.Entry<JsonNode, Integer>> toVisit = new ArrayDeque<>();
        toVisit.push(Map.entry(metadata, 1));
        while (!toVisit.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = toVisit.pop();
            if (next.getValue() > MAX_METADATA_DEPTH) {
                throw new InvalidEventException("field 'metadata' is nested deeper than " + MAX_METADATA_DEPTH);
            }
            next.getKey().elements().forEachRemaining(child -> {
                if (child.isContainerNode()) {
                    toVisit.push(Map.entry(child, next.getValue() + 1));
                }
            });
        }
    }

    private static String truncate(String s) {
        return SafeTruncation.withEllipsis(s, 64);
    }
}
