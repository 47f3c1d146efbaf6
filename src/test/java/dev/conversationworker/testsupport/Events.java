package dev.conversationworker.testsupport;

import java.time.Instant;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/** Input events as upstream chat services publish them. */
public final class Events {

    private Events() {
    }

    public static String newConversationId(String label) {
        return "c-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static JsonObject message(String eventId, String conversationId, String role, String text) {
        return base(eventId, "message", conversationId).put("role", role).put("text", text).put("userId", "u-9")
                .put("channel", "web");
    }

    public static JsonObject closed(String eventId, String conversationId) {
        return base(eventId, "conversation.closed", conversationId);
    }

    public static JsonObject analysisRequested(String eventId, String conversationId) {
        return base(eventId, "analysis.requested", conversationId);
    }

    private static JsonObject base(String eventId, String type, String conversationId) {
        return new JsonObject().put("eventId", eventId).put("type", type).put("conversationId", conversationId)
                .put("timestamp", Instant.now().toString());
    }
}
