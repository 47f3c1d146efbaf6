package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.support.RedisScript;

/**
 * The messages whose POST has begun and is not settled, for every instance: a unit (requestId, body, dedupe-keys)
 * written before its POST, and a pointer from each of its dedupe-keys, both expiring after
 * {@code delivery.dedupe-window}. A notification whose dedupe-key points to a unit is sent as part of exactly that
 * unit again, so a message that may have been created is never followed by a second one in another composition.
 * Only the holder of the space's lease begins a unit, and never over a pointer naming another unit. Keys:
 * {@code <prefix>:{space}:unit:<requestId>} and {@code <prefix>:{space}:sending:<uuid of the dedupe-key>} (no
 * record text in key names; one hash tag per space, so each script touches one Redis Cluster slot). Non-blocking.
 */
@ApplicationScoped
class SendingUnits {

    private static final RedisScript BEGIN = RedisScript.load("/delivery/begin.lua");
    private static final RedisScript FORGET = RedisScript.load("/delivery/forget.lua");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /**
     * What {@link #begin} did.
     *
     * @param other when a pointer names another unit not settled: its requestId
     */
    record Begun(boolean begun, boolean notHolder, String other) {
    }

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Duration window;

    @Inject
    SendingUnits(ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.redis = redis;
        this.keyPrefix = config.keyPrefix();
        this.window = config.dedupeWindow();
    }

    /**
     * Remembers {@code unit} as begun in {@code space} by the holder of the space's lease {@code token}, in one
     * script: before its POST.
     */
    Uni<Begun> begin(String space, String token, SendingUnit unit) {
        List<String> args = new ArrayList<>();
        args.add(keyPrefix + ":{" + space + "}:owner");
        args.addAll(keys(space, unit));
        args.add(token);
        args.add(Long.toString(Math.max(1, window.toMillis())));
        args.add(unit.requestId());
        args.add(unit.body());
        try {
            args.add(JSON.writeValueAsString(unit.dedupeKeys()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        args.add(unit.digest() ? "1" : "0");
        return BEGIN.run(redis, unit.dedupeKeys().size() + 2, args.toArray(String[]::new)).map(result -> {
            long code = result.get(0).toLong();
            return new Begun(code >= 0, code == -1, code == -2 ? result.get(1).toString() : null);
        });
    }

    /** The unit begun last for {@code dedupeKey} in {@code space} and not settled; null when there is none. */
    Uni<SendingUnit> find(String space, String dedupeKey) {
        return findAll(space, List.of(dedupeKey)).map(found -> found.get(dedupeKey));
    }

    /**
     * The units begun and not settled for these dedupe-keys, by dedupe-key (those without one are absent): one
     * {@code MGET} of their pointers, then one {@code HMGET} per distinct unit.
     */
    Uni<Map<String, SendingUnit>> findAll(String space, List<String> dedupeKeys) {
        if (dedupeKeys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> pointers = dedupeKeys.stream().map(k -> pointer(space, k)).toList();
        return redis.execute("MGET", pointers.toArray(String[]::new)).chain(requestIds -> {
            Set<String> distinct = new LinkedHashSet<>();
            for (int i = 0; i < dedupeKeys.size(); i++) {
                if (requestIds.get(i) != null) {
                    distinct.add(requestIds.get(i).toString());
                }
            }
            if (distinct.isEmpty()) {
                return Uni.createFrom().item(Map.<String, SendingUnit>of());
            }
            List<Uni<SendingUnit>> reads = distinct.stream().map(id -> byRequestId(space, id)).toList();
            return Uni.join().all(reads).andFailFast().map(units -> {
                Map<String, SendingUnit> found = new HashMap<>();
                for (SendingUnit unit : units) {
                    if (unit != null) {
                        unit.dedupeKeys().stream().filter(dedupeKeys::contains).forEach(k -> found.put(k, unit));
                    }
                }
                return found;
            });
        });
    }

    /** The unit begun under {@code requestId} and not settled; null when there is none. */
    Uni<SendingUnit> byRequestId(String space, String requestId) {
        return redis.execute("HMGET", unit(space, requestId), "body", "keys", "digest")
                .map(fields -> read(requestId, fields));
    }

    /** Forgets a unit that was never created (a rejected digest), and the pointers that still name it. */
    Uni<Void> forget(String space, SendingUnit unit) {
        List<String> args = keys(space, unit);
        args.add(unit.requestId());
        return FORGET.run(redis, unit.dedupeKeys().size() + 1, args.toArray(String[]::new)).replaceWithVoid();
    }

    private List<String> keys(String space, SendingUnit unit) {
        List<String> keys = new ArrayList<>();
        keys.add(unit(space, unit.requestId()));
        unit.dedupeKeys().forEach(k -> keys.add(pointer(space, k)));
        return keys;
    }

    private static SendingUnit read(String requestId, Response fields) {
        if (fields == null || fields.get(0) == null || fields.get(1) == null) {
            return null; // expired or settled since the pointer was read
        }
        try {
            List<String> keys = JSON.readValue(fields.get(1).toString(), STRINGS);
            return new SendingUnit(requestId, fields.get(0).toString(), keys,
                    fields.get(2) != null && "1".equals(fields.get(2).toString()));
        } catch (JsonProcessingException e) {
            return null; // not ours to read: its notifications are composed afresh, as before units existed
        }
    }

    private String unit(String space, String requestId) {
        return keyPrefix + ":{" + space + "}:unit:" + requestId;
    }

    private String pointer(String space, String dedupeKey) {
        return keyPrefix + ":{" + space + "}:sending:" + ParkedEntry.idOf(dedupeKey);
    }
}
