package dev.conversationworker.history;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A conversation whose idle timer runs, as its shard's schedule keeps it (short field names: one per armed
 * conversation in Redis): its last stored message and where that came from.
 *
 * @param partition the input partition of the last message, and {@code offset} its offset: an idle analysis reads
 *        the history up to and including it, and a trigger disarms only a timer armed by a message before it
 * @param storedAt epoch ms when the last message was stored, on Redis' clock (the timer falls due
 *        {@code analysis.idle.after} later)
 */
public record ArmedConversation(@JsonProperty("c") String conversationId, @JsonProperty("e") String eventId,
        @JsonProperty("p") int partition, @JsonProperty("o") long offset, @JsonProperty("t") long storedAt) {
}
