package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conversationworker.model.Severity;

/**
 * A notification as it waits in Redis: one JSON entry per dedupe-key, its record's timestamp first (the queue's
 * scripts read the oldest one's age from it without parsing the rest), then what delivery and a dead letter need.
 * Header values are Base64 (they are bytes). Pure.
 */
final class ParkedEntry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ParkedEntry() {
    }

    /** The entry's id: a name-based UUID of the dedupe-key, so that no record text reaches Redis's key space. */
    static String idOf(String dedupeKey) {
        return UUID.nameUUIDFromBytes(dedupeKey.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String encode(Pending pending) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("ts", pending.timestamp().toEpochMilli());
        entry.put("dedupeKey", pending.dedupeKey());
        entry.put("severity", pending.severity().wireName());
        entry.put("kind", pending.kind());
        entry.put("conversationId", pending.conversationId());
        entry.put("body", pending.body());
        Origin origin = pending.origin();
        entry.put("topic", origin.topic()).put("partition", origin.partition()).put("offset", origin.offset());
        ArrayNode headers = entry.putArray("headers");
        for (Header header : origin.headers()) {
            headers.addArray().add(header.key()).add(header.value() == null
                    ? null
                    : Base64.getEncoder().encodeToString(header.value()));
        }
        return entry.toString();
    }

    /** The entry read back, its size the entry's length in bytes; null when it cannot be read. */
    static Pending decode(long seq, String json) {
        try {
            JsonNode entry = JSON.readTree(json);
            List<Header> headers = new ArrayList<>();
            for (JsonNode header : entry.path("headers")) {
                JsonNode value = header.get(1);
                headers.add(new RecordHeader(header.get(0).asText(), value == null || value.isNull()
                        ? null
                        : Base64.getDecoder().decode(value.asText())));
            }
            JsonNode conversation = entry.get("conversationId");
            return new Pending(new Origin(entry.path("topic").asText(), entry.path("partition").asInt(),
                    entry.path("offset").asLong(), headers), entry.path("body").asText(),
                    entry.path("dedupeKey").asText(),
                    Severity.fromWire(entry.path("severity").asText()).orElse(Severity.NONE),
                    entry.path("kind").asText(), conversation == null || conversation.isNull()
                            ? null
                            : conversation.asText(),
                    Instant.ofEpochMilli(entry.path("ts").asLong()), seq,
                    json.getBytes(StandardCharsets.UTF_8).length, false, null);
        } catch (JsonProcessingException | RuntimeException e) {
            return null; // not ours to read (written by another version, or damaged)
        }
    }
}
