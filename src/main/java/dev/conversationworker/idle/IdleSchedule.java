package dev.conversationworker.idle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.history.ArmedConversation;
import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.history.HistoryKeys.IdleShard;
import dev.conversationworker.support.RedisScript;
import dev.conversationworker.support.StoredJson;

/**
 * The door to the idle schedule in Redis, shared by every instance. The schedule is split into
 * {@link HistoryKeys#SHARDS} shards, each a sorted set of due times and a hash of armed conversations on the slot of
 * the conversations it holds; the append script arms a conversation there in the same step as it stores the
 * message. Claims work like the waiting room's: a claim moves the due time to the end of a lease and notes the
 * claimer, so two instances never take the same conversation and a dead instance's claims fall due again. Each
 * step is one Lua script on one shard (one Cluster slot). Non-blocking only.
 */
@ApplicationScoped
public class IdleSchedule {

    /** What a claim turned out to be, when its analysis was about to start. */
    public enum Confirmed {
        /** Still this instance's, still armed on the same message: analyse it. */
        MINE,
        /** Disarmed or re-armed since (a close, a request, a new message): nothing to do. */
        MOOT,
        /** The lease ran out and another instance claimed it. */
        LOST
    }

    private static final RedisScript CLAIM = RedisScript.load("/idle/claim.lua");
    private static final RedisScript CONFIRM = RedisScript.load("/idle/confirm.lua");
    private static final RedisScript DONE = RedisScript.load("/idle/done.lua");
    private static final RedisScript DISARM = RedisScript.load("/idle/disarm.lua");
    private static final RedisScript RELEASE = RedisScript.load("/idle/release.lua");
    private static final RedisScript RENEW = RedisScript.load("/idle/renew.lua");

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Clock clock;
    /** Names this instance's claims: a claim whose token changed was taken over. */
    private final String token = UUID.randomUUID().toString();

    /** One shard's claims, and how many conversations that shard holds armed (for the gauge). */
    public record Claimed(int shard, long armed, List<ClaimedConversation> conversations) {
    }

    @Inject
    IdleSchedule(ReactiveRedisDataSource redis, HistoryConfig history) {
        this(redis, history.keyPrefix(), Clock.systemUTC());
    }

    IdleSchedule(ReactiveRedisDataSource redis, String keyPrefix, Clock clock) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
    }

    /**
     * Claims up to {@code max} conversations of shard {@code index} whose idle timer is due, for {@code lease}.
     */
    public Uni<Claimed> claimDue(int index, int max, Duration lease) {
        IdleShard shard = IdleShard.of(keyPrefix, index);
        long now = clock.millis();
        return CLAIM.run(redis, 3, shard.due(), shard.armed(), shard.claims(), Long.toString(now),
                Integer.toString(max), Long.toString(now + lease.toMillis()), token)
                .chain(response -> decode(shard, response));
    }

    /** Checks that a claim still stands, and if so renews it for {@code lease} from now. */
    public Uni<Confirmed> confirm(ClaimedConversation claimed, Duration lease) {
        IdleShard shard = claimed.shard();
        return CONFIRM.run(redis, 3, shard.due(), shard.armed(), shard.claims(), claimed.slug(),
                claimed.armed().eventId(), token, Long.toString(clock.millis() + lease.toMillis()))
                .map(response -> switch (response.toInteger()) {
                    case 1 -> Confirmed.MINE;
                    case 0 -> Confirmed.MOOT;
                    default -> Confirmed.LOST;
                });
    }

    /** The idle analysis is published: disarmed (unless re-armed meanwhile). False when another instance had it. */
    public Uni<Boolean> done(ClaimedConversation claimed) {
        IdleShard shard = claimed.shard();
        return DONE.run(redis, 3, shard.due(), shard.armed(), shard.claims(), claimed.slug(),
                claimed.armed().eventId(), token).map(response -> response.toInteger() == 1);
    }

    /**
     * Renews this instance's claims on {@code held} (all of one shard) for {@code lease} from now; a claim taken
     * over meanwhile is left to its new holder.
     */
    public Uni<Void> renew(int index, List<String> held, Duration lease) {
        IdleShard shard = IdleShard.of(keyPrefix, index);
        List<String> keysThenArgs = new ArrayList<>(held.size() + 4);
        keysThenArgs.add(shard.due());
        keysThenArgs.add(shard.claims());
        keysThenArgs.add(token);
        keysThenArgs.add(Long.toString(clock.millis() + lease.toMillis()));
        keysThenArgs.addAll(held);
        return RENEW.run(redis, 2, keysThenArgs.toArray(String[]::new)).replaceWithVoid();
    }

    /** A claim this instance will not work on (it is stopping): due again at once, for the others. */
    public Uni<Void> release(ClaimedConversation claimed) {
        IdleShard shard = claimed.shard();
        return RELEASE.run(redis, 3, shard.due(), shard.armed(), shard.claims(), claimed.slug(), token,
                Long.toString(clock.millis())).replaceWithVoid();
    }

    /**
     * A {@code conversation.closed} or {@code analysis.requested} at this partition and offset: its conversation is
     * disarmed, unless a message after the trigger armed it. True when disarmed.
     */
    public Uni<Boolean> disarm(String conversationId, int partition, long offset) {
        HistoryKeys keys = HistoryKeys.of(keyPrefix, conversationId);
        IdleShard shard = keys.shard();
        return DISARM.run(redis, 3, shard.due(), shard.armed(), shard.claims(), keys.slug(),
                Integer.toString(partition), Long.toString(offset)).map(response -> response.toInteger() == 1);
    }

    /** An entry that cannot be read (damaged by hand) is logged and dropped, not claimed again every lease. */
    private Uni<Claimed> decode(IdleShard shard, Response response) {
        List<ClaimedConversation> claimed = new ArrayList<>((response.size() - 1) / 3);
        List<Uni<Void>> dropped = new ArrayList<>();
        for (int i = 1; i + 2 < response.size(); i += 3) {
            String slug = response.get(i).toString();
            try {
                ArmedConversation armed = StoredJson.MAPPER.readValue(response.get(i + 1).toString(),
                        ArmedConversation.class);
                claimed.add(new ClaimedConversation(shard, slug, armed,
                        Instant.ofEpochMilli((long) Double.parseDouble(response.get(i + 2).toString()))));
            } catch (JsonProcessingException | RuntimeException e) {
                IdleLog.LOG.unreadableDropped(slug, e.getMessage());
                dropped.add(redis.execute("HDEL", shard.armed(), slug)
                        .chain(() -> redis.execute("ZREM", shard.due(), slug)).replaceWithVoid());
            }
        }
        Claimed result = new Claimed(shard.index(), response.get(0).toLong(), claimed);
        return dropped.isEmpty()
                ? Uni.createFrom().item(result)
                : Uni.join().all(dropped).andCollectFailures().replaceWith(result);
    }
}
