package dev.conversationworker.notification;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.support.RedisScript;

/**
 * Attention claims in Redis, shared by all instances: one key per conversation, set if absent and expiring with the
 * window ({@code SET NX PX}), holding the id of the analysis that paged. Non-blocking.
 */
@ApplicationScoped
class RedisAttentionClaims implements AttentionClaims {

    private static final RedisScript RELEASE = RedisScript.load("/notification/release-claim.lua");

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Duration window;

    @Inject
    RedisAttentionClaims(ReactiveRedisDataSource redis, HistoryConfig history, NotifyConfig notify) {
        this(redis, history.keyPrefix(), notify.attentionWindow());
    }

    RedisAttentionClaims(ReactiveRedisDataSource redis, String keyPrefix, Duration window) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.window = window;
    }

    @Override
    public Uni<Boolean> claim(String conversationId, String analysisId) {
        String key = key(conversationId);
        return redis.execute("SET", key, analysisId, "NX", "PX", Long.toString(Math.max(1, window.toMillis())))
                .chain(taken -> taken != null
                        ? Uni.createFrom().item(true)
                        : redis.execute("GET", key).map(holder -> holder != null
                                && analysisId.equals(holder.toString())));
    }

    @Override
    public Uni<Void> release(String conversationId, String analysisId) {
        // Only our own claim: compare and delete in one step.
        return RELEASE.run(redis, 1, key(conversationId), analysisId).replaceWithVoid();
    }

    /** {@code cw:{sNN}:c:<id>:paged}: in the hash tag of the conversation's shard, on its other keys' cluster slot. */
    String key(String conversationId) {
        return HistoryKeys.of(keyPrefix, conversationId).paged();
    }
}
