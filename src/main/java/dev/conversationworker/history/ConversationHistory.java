package dev.conversationworker.history;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.ingest.ChatEvent;

/**
 * The door to Redis: appends messages exactly once and reads a conversation as it stands. Non-blocking only; the
 * append is one Lua script, so the dedupe marker and the line are written together or not at all.
 */
@ApplicationScoped
public class ConversationHistory {

    private static final String APPEND_SCRIPT = loadScript("/history/append.lua");
    private static final String APPEND_SHA = sha1(APPEND_SCRIPT);

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
                message.text(), message.timestamp().toString()));
        String[] args = {"3", keys.messages(), keys.seenEventIds(), keys.sequence(), message.eventId(), entry,
                Integer.toString(config.maxMessages()), Long.toString(Math.max(1, config.ttl().toSeconds())),
                Integer.toString(Math.max(config.dedupeWindow(), config.maxMessages()))};
        return redis.execute("EVALSHA", withFirst(APPEND_SHA, args))
                .onFailure(ConversationHistory::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", withFirst(APPEND_SCRIPT, args)))
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

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String[] withFirst(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String loadScript(String resource) {
        try (InputStream in = ConversationHistory.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing " + resource, e);
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }
}
