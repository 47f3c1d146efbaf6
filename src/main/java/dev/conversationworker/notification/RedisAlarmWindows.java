package dev.conversationworker.notification;

import java.time.Duration;
import java.time.Instant;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.support.RedisScript;

/**
 * Alarm windows shared by every instance: one Redis hash per alarm, {@code <prefix>:alarm:<alarm>}, counted and
 * opened in one script, with the window's start taken from Redis's clock (the same for every instance) and an
 * expiry at the window's end. Non-blocking; fails when Redis does.
 */
final class RedisAlarmWindows implements AlarmWindows {

    private static final RedisScript COUNT = RedisScript.load("/notification/count-in-window.lua");

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;

    RedisAlarmWindows(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public Uni<WindowedCounter.Count> occurred(String alarm, Duration window) {
        return COUNT.run(redis, 1, key(alarm), Long.toString(Math.max(1, window.toMillis())))
                .map(reply -> new WindowedCounter.Count((int) Math.min(Integer.MAX_VALUE, reply.get(0).toLong()),
                        Instant.ofEpochMilli(Long.parseLong(reply.get(1).toString()))));
    }

    String key(String alarm) {
        return keyPrefix + ":alarm:" + alarm;
    }
}
