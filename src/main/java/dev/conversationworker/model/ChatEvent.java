package dev.conversationworker.model;

import java.time.OffsetDateTime;
import java.util.Map;

/** One validated chat event, as the input contract defines it. {@code role} and {@code text} are set for messages. */
public record ChatEvent(String eventId, EventType type, String conversationId, OffsetDateTime timestamp,
        Role role, String text, String userId, String channel, String language, Map<String, Object> metadata) {

    /** The same event with its text replaced (pseudonymised before it is stored). */
    public ChatEvent withText(String newText) {
        return new ChatEvent(eventId, type, conversationId, timestamp, role, newText, userId, channel, language,
                metadata);
    }

    public boolean isMessage() {
        return type == EventType.MESSAGE;
    }
}
