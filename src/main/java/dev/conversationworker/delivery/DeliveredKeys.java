package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The dedupe-keys Google accepted, for every instance: one Redis key each, expiring after
 * {@code delivery.dedupe-window}, written only once Google answered 2xx. Keys are name-based UUIDs of the
 * dedupe-keys, so no record text reaches Redis's key space. Non-blocking.
 */
@ApplicationScoped
class DeliveredKeys {

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Duration window;

    @Inject
    DeliveredKeys(ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.redis = redis;
        this.keyPrefix = config.keyPrefix();
        this.window = config.dedupeWindow();
    }

    /** Which of {@code dedupeKeys} were delivered within the window. */
    Uni<Set<String>> delivered(Collection<String> dedupeKeys) {
        List<String> keys = List.copyOf(new java.util.LinkedHashSet<>(dedupeKeys));
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Uni<Boolean>> checks = new ArrayList<>();
        keys.forEach(k -> checks.add(redis.execute("EXISTS", key(k)).map(r -> r.toLong() > 0)));
        return Uni.join().all(checks).andFailFast().map(found -> {
            Set<String> delivered = new java.util.HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                if (found.get(i)) {
                    delivered.add(keys.get(i));
                }
            }
            return delivered;
        });
    }

    Uni<Void> markDelivered(Collection<String> dedupeKeys) {
        if (dedupeKeys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> marks = new ArrayList<>();
        new java.util.LinkedHashSet<>(dedupeKeys).forEach(k -> marks.add(redis.execute("SET", key(k), "1", "PX",
                Long.toString(Math.max(1, window.toMillis()))).replaceWithVoid()));
        return Uni.join().all(marks).andFailFast().replaceWithVoid();
    }

    private String key(String dedupeKey) {
        return keyPrefix + ":sent:" + UUID.nameUUIDFromBytes(dedupeKey.getBytes(StandardCharsets.UTF_8));
    }
}
