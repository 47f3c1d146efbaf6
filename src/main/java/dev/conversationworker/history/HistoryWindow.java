package dev.conversationworker.history;

import java.util.List;

/**
 * What an analysis reads of a conversation.
 *
 * @param messageCount messages stored before the trigger (the conversation's length at the trigger)
 * @param unplaced entries read whose position could not be known (written by an older version, from another
 *        partition, or unreadable): taken as earlier than the trigger
 * @param entries the most recent of those messages, oldest first, as stored (JSON)
 */
public record HistoryWindow(int messageCount, int unplaced, List<String> entries) {

    /** The stored entries' size in characters: what decoding and formatting them costs grows with it. */
    public long bytes() {
        long total = 0;
        for (String entry : entries) {
            total += entry.length();
        }
        return total;
    }
}
