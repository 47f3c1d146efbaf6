package dev.conversationworker.delivery;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.support.RedisScript;

/**
 * The pace of each space, shared by every instance: one Redis key per space holds the earliest time the next
 * message may go, on Redis's clock. An instance reserves the next slot before each POST and waits for it, so that
 * however many instances deliver (and however many partitions the topic has), a space never receives more than
 * {@code delivery.max-per-second}. A 429 pushes the next slot back for everyone, never further than
 * {@code delivery.max-retry-after} from now (a schedule found further ahead is brought back).
 */
@ApplicationScoped
class SharedSchedule {

    private static final RedisScript RESERVE = RedisScript.load("/delivery/reserve.lua");

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Duration maxPause;

    @Inject
    SharedSchedule(ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.redis = redis;
        this.keyPrefix = config.keyPrefix();
        this.maxPause = config.maxRetryAfter();
    }

    /**
     * Reserves the next slot of {@code space}, at least {@code pause} from now; emits how long to wait for it.
     */
    Uni<Duration> reserve(String space, Duration interval, Duration pause) {
        return RESERVE.run(redis, 1, keyPrefix + ":{" + space + "}:next", Long.toString(Math.max(1,
                interval.toMillis())), Long.toString(Math.max(0, pause.toMillis())),
                Long.toString(Math.max(0, maxPause.toMillis())))
                .map(wait -> Duration.ofMillis(Math.max(0, wait.toLong())));
    }
}
