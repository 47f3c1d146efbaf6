package dev.conversationworker.history;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much of a conversation Redis keeps, and for how long. */
@ConfigMapping(prefix = "history")
public interface HistoryConfig {

    /** Most recent messages kept per conversation; the oldest are dropped first. */
    @WithDefault("200")
    int maxMessages();

    /** Longest message text stored, in characters; longer ones are cut (never inside a surrogate pair) and marked.
     * Bounds what one conversation costs in Redis and on reading; keep it at least {@code formatting.max-message-chars}. */
    @WithDefault("4000")
    int maxMessageChars();

    /** Idle time after which a conversation's history expires; every write refreshes it. */
    @WithDefault("7d")
    Duration ttl();

    /** Event ids remembered per conversation to drop redelivered messages (at least max-messages). */
    @WithDefault("1000")
    int dedupeWindow();

    /** Prefix of every Redis key the worker writes. */
    @WithDefault("cw")
    String keyPrefix();
}
