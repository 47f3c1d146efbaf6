package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.support.RedisScript;

/**
 * Each space's notifications, parked in Redis until they are settled, and the lease that says which instance
 * delivers the space. Keys, one hash tag per space (each script touches one Redis Cluster slot):
 * {@code <prefix>:{space}:queue} (ids by arrival number), {@code :parked} (the entries), {@code :counters} (arrival
 * number, bytes parked), {@code :sent:<id>} (a settled dedupe-key, for {@code delivery.dedupe-window}) and
 * {@code :owner} (the lease: the token of the instance that delivers the space). Non-blocking.
 */
@ApplicationScoped
class SpaceQueues {

    private static final RedisScript PARK = RedisScript.load("/delivery/park.lua");
    private static final RedisScript SYNC = RedisScript.load("/delivery/sync.lua");
    private static final RedisScript SETTLE = RedisScript.load("/delivery/settle.lua");
    private static final RedisScript RENEW = RedisScript.load("/delivery/renew.lua");
    private static final RedisScript RELEASE = RedisScript.load("/delivery/release.lua");
    private static final RedisScript DROP = RedisScript.load("/delivery/drop.lua");

    /** What parking a notification did. */
    enum Parked {
        /** Now waiting in its space's queue. */
        PARKED,
        /** An entry of its dedupe-key waits already: nothing to add. */
        QUEUED,
        /** Its dedupe-key was delivered (or dead-lettered) within the dedupe window. */
        SETTLED,
        /** The space's queue is at {@code delivery.max-parked} or {@code delivery.max-parked-bytes}. */
        FULL
    }

    /**
     * A space as its lease holder sees it.
     *
     * @param holder {@code 0} another instance holds the lease, {@code 1} renewed, {@code 2} just taken
     * @param oldestMillis the timestamp of the oldest notification waiting, or -1 (none)
     * @param loaded entries that arrived after those already loaded, in their order (none unless held)
     */
    record Sync(int holder, long backlog, long oldestMillis, List<Loaded> loaded) {
    }

    /** A parked entry as it was read: null {@code pending} when it could not be read. */
    record Loaded(long seq, String id, Pending pending) {
    }

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final long maxParked;
    private final long maxParkedBytes;
    private final Duration window;

    @Inject
    SpaceQueues(ReactiveRedisDataSource redis, DeliveryConfig config) {
        this.redis = redis;
        this.keyPrefix = config.keyPrefix();
        this.maxParked = config.maxParked();
        this.maxParkedBytes = config.maxParkedBytes().asLongValue();
        this.window = config.dedupeWindow();
    }

    Uni<Parked> park(String space, Pending pending) {
        String id = ParkedEntry.idOf(pending.dedupeKey());
        return PARK.run(redis, 4, key(space, "queue"), key(space, "parked"), key(space, "counters"),
                key(space, "sent:" + id), id, ParkedEntry.encode(pending), Long.toString(maxParked),
                Long.toString(maxParkedBytes))
                .map(result -> Parked.valueOf(result.toString().toUpperCase(Locale.ROOT)));
    }

    /**
     * Takes or renews the lease of {@code space} for {@code token}, and when it is held, loads up to {@code most}
     * entries (and {@code bytes}) that arrived after {@code after}.
     *
     * @param oversized whether one entry may be loaded even if alone it exceeds {@code bytes}
     */
    Uni<Sync> sync(String space, String token, Duration lease, long after, int most, long bytes, boolean oversized) {
        return SYNC.run(redis, 3, key(space, "owner"), key(space, "queue"), key(space, "parked"), token,
                Long.toString(Math.max(1, lease.toMillis())), Long.toString(after),
                Integer.toString(Math.max(0, most)), Long.toString(Math.max(0, bytes)), oversized ? "1" : "0")
                .map(SpaceQueues::sync);
    }

    private static Sync sync(Response result) {
        int holder = result.get(0).toInteger();
        long backlog = result.get(1).toLong();
        List<Loaded> loaded = new ArrayList<>();
        for (int i = 3; i + 2 < result.size(); i += 3) {
            long seq = result.get(i).toLong();
            loaded.add(new Loaded(seq, result.get(i + 1).toString(),
                    ParkedEntry.decode(seq, result.get(i + 2).toString())));
        }
        return new Sync(holder, backlog, result.get(2).toLong(), loaded);
    }

    /**
     * Settles a message: its unit and the pointers naming it are deleted, each of its dedupe-keys is marked settled
     * for the dedupe window, and their entries leave the queue.
     */
    Uni<Void> settle(String space, SendingUnit unit) {
        List<String> keys = new ArrayList<>();
        keys.add(key(space, "unit:" + unit.requestId()));
        keys.add(key(space, "queue"));
        keys.add(key(space, "parked"));
        keys.add(key(space, "counters"));
        List<String> ids = new ArrayList<>();
        for (String dedupeKey : unit.dedupeKeys()) {
            String id = ParkedEntry.idOf(dedupeKey);
            keys.add(key(space, "sending:" + id));
            keys.add(key(space, "sent:" + id));
            ids.add(id);
        }
        List<String> all = new ArrayList<>(keys);
        all.add(unit.requestId());
        all.add(Long.toString(Math.max(1, window.toMillis())));
        all.addAll(ids);
        return SETTLE.run(redis, keys.size(), all.toArray(String[]::new)).replaceWithVoid();
    }

    /** Drops an entry nobody can read (written by another version, or damaged), unmarked. */
    Uni<Void> drop(String space, String id) {
        return DROP.run(redis, 3, key(space, "queue"), key(space, "parked"), key(space, "counters"), id)
                .replaceWithVoid();
    }

    /** Whether {@code token} still holds the lease of {@code space}; renews it if so. */
    Uni<Boolean> renew(String space, String token, Duration lease) {
        return RENEW.run(redis, 1, key(space, "owner"), token, Long.toString(Math.max(1, lease.toMillis())))
                .map(held -> held.toLong() == 1);
    }

    /** Gives the lease of {@code space} back if {@code token} holds it. */
    Uni<Void> release(String space, String token) {
        return RELEASE.run(redis, 1, key(space, "owner"), token).replaceWithVoid();
    }

    String key(String space, String name) {
        return keyPrefix + ":{" + space + "}:" + name;
    }
}
