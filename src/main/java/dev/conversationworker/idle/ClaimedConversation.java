package dev.conversationworker.idle;

import java.time.Instant;

import dev.conversationworker.history.ArmedConversation;
import dev.conversationworker.history.HistoryKeys;

/**
 * An idle conversation this instance claimed, until {@link IdleSchedule#done} or its lease ends.
 *
 * @param dueAt when its timer fell due (the last message's storage plus {@code analysis.idle.after})
 */
public record ClaimedConversation(HistoryKeys.IdleShard shard, String slug, ArmedConversation armed,
        Instant dueAt) {

    public String conversationId() {
        return armed.conversationId();
    }
}
