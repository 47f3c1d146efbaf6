package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message as the history keeps it; {@code role} is the wire name (user, assistant, agent, system).
 *
 * @param partition the input partition the message came from, {@code null} when written by an older version
 * @param offset its offset there: an analysis reads only the messages before its trigger's offset
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(String eventId, String role, String text, String timestamp, Integer partition,
        Long offset) {

    public HistoryEntry(String eventId, String role, String text, String timestamp) {
        this(eventId, role, text, timestamp, null, null);
    }
}
