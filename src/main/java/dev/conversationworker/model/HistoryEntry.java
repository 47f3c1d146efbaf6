package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message as the history keeps it; {@code role} is the wire name (user, assistant, agent, system).
 *
 * @param partition the input partition the message came from, {@code null} when written by an older version
 * @param offset its offset there: an analysis reads only the messages before its trigger's offset
 * @param tokenised its text was stored pseudonymised ({@code pseudonymise.in-history}): personal values are
 *        keyed-hash tokens, and only those tokens become placeholders when it is analysed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(String eventId, String role, String text, String timestamp, Integer partition,
        Long offset, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean tokenised) {

    public HistoryEntry(String eventId, String role, String text, String timestamp, Integer partition, Long offset) {
        this(eventId, role, text, timestamp, partition, offset, false);
    }

    public HistoryEntry(String eventId, String role, String text, String timestamp) {
        this(eventId, role, text, timestamp, null, null, false);
    }

    public HistoryEntry withText(String newText, boolean isTokenised) {
        return new HistoryEntry(eventId, role, newText, timestamp, partition, offset, isTokenised);
    }
}
