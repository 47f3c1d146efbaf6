package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
 * {@code delivery.dedupe-window}. A record whose dedupe-key points to a unit is sent as part of exactly that unit
 * again, so a message that may have been created is never followed by a second one in another composition. Keys:
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

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Duration window;

    @Inject
    SendingUnits(ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.redis = redis;
        this.keyPrefix = config.keyPrefix();
        this.window = config.dedupeWindow();
    }

    /** Remembers {@code unit} as begun in {@code space}, in one script: before its POST. */
    Uni<Void> begin(String space, SendingUnit unit) {
        List<String> args = keys(space, unit);
        args.add(Long.toString(Math.max(1, window.toMillis())));
        args.add(unit.requestId());
        args.add(unit.body());
        try {
            args.add(JSON.writeValueAsString(unit.dedupeKeys()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        args.add(unit.digest() ? "1" : "0");
        return BEGIN.run(redis, unit.dedupeKeys().size() + 1, args.toArray(String[]::new)).replaceWithVoid();
    }

    /** The unit begun last for {@code dedupeKey} in {@code space} and not settled; null when there is none. */
    Uni<SendingUnit> find(String space, String dedupeKey) {
        return redis.execute("GET", pointer(space, dedupeKey)).chain(requestId -> requestId == null
                ? Uni.createFrom().nullItem()
                : redis.execute("HMGET", unit(space, requestId.toString()), "body", "keys", "digest")
                        .map(fields -> read(requestId.toString(), fields, dedupeKey)));
    }

    /** Forgets a settled unit, and the pointers that still name it. */
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

    private static SendingUnit read(String requestId, Response fields, String dedupeKey) {
        if (fields == null || fields.get(0) == null || fields.get(1) == null) {
            return null; // expired or forgotten since the pointer was read
        }
        try {
            List<String> keys = JSON.readValue(fields.get(1).toString(), STRINGS);
            SendingUnit unit = new SendingUnit(requestId, fields.get(0).toString(), keys,
                    fields.get(2) != null && "1".equals(fields.get(2).toString()));
            return keys.contains(dedupeKey) ? unit : null;
        } catch (JsonProcessingException e) {
            return null; // not ours to read: the record is composed afresh, as before units existed
        }
    }

    private String unit(String space, String requestId) {
        return keyPrefix + ":{" + space + "}:unit:" + requestId;
    }

    private String pointer(String space, String dedupeKey) {
        return keyPrefix + ":{" + space + "}:sending:"
                + UUID.nameUUIDFromBytes(dedupeKey.getBytes(StandardCharsets.UTF_8));
    }
}
