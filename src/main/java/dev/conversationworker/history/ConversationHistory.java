package dev.conversationworker.history;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.formatting.SafeTruncation;
import dev.conversationworker.ingest.ChatEvent;

/**
 * The door to Redis: appends messages exactly once and reads a conversation as it stands. Non-blocking only; the
 * append is one Lua script, so the dedupe marker and the line are written together or not at all.
 */
@ApplicationScoped
public class ConversationHistory {

    private static final RedisScript APPEND = RedisScript.load("/history/append.lua");

    private final ReactiveRedisDataSource redis;
    private final HistoryConfig config;

    ConversationHistory(ReactiveRedisDataSource redis, HistoryConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Emits {@code true} when the message was appended, {@code false} when it was already there (redelivery). */
    public Uni<Boolean> append(ChatEvent message) {
        HistoryKeys keys = keys(message.conversationId());
        String entry = HistoryCodec.encode(new HistoryEntry(message.eventId(), message.role().wireName(),
                SafeTruncation.withEllipsis(message.text(), config.maxMessageChars()),
                message.timestamp().toString()));
        return APPEND.run(redis, 3, keys.messages(), keys.seenEventIds(), keys.sequence(), message.eventId(), entry,
                Integer.toString(config.maxMessages()), Long.toString(Math.max(1, config.ttl().toSeconds())),
                Integer.toString(Math.max(config.dedupeWindow(), config.maxMessages())))
                .map(response -> response.toLong() == 1L);
    }

    /** The stored entries, oldest first, as JSON; decode them with {@link HistoryCodec} off the event loop. */
    public Uni<List<String>> read(String conversationId) {
        return redis.execute("LRANGE", keys(conversationId).messages(), "0", "-1")
                .map(ConversationHistory::toStrings);
    }

    private HistoryKeys keys(String conversationId) {
        return HistoryKeys.of(config.keyPrefix(), conversationId);
    }

    private static List<String> toStrings(Response response) {
        if (response == null) {
            return List.of();
        }
        List<String> entries = new ArrayList<>(response.size());
        for (int i = 0; i < response.size(); i++) {
            entries.add(response.get(i).toString());
        }
        return entries;
    }
}
