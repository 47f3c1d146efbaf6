package dev.conversationworker.idle;

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
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.support.RedisScript;
import dev.conversationworker.support.StoredJson;

/**
 * The door to the idle schedule in Redis, shared by every instance. The schedule is split into
 * {@link HistoryKeys#SHARDS} shards, each a sorted set of due times and a hash of armed conversations on the slot of
 * the conversations it holds; the append script arms a conversation there in the same step as it stores the
 * message. Claims work like the waiting room's: a claim moves the due time to the end of a lease and notes the
 * claimer, so two instances never take the same conversation and a dead instance's claims fall due again. Each
 * step is one Lua script on one shard (one Cluster slot), and takes the time from Redis ({@code TIME}): due times and
 * leases are on the one clock all instances share, not on each instance's own. Non-blocking only.
 */
@ApplicationScoped
public class IdleSchedule {

    /** What a claim turned out to be, when its analysis was about to start, or when it ended. */
    public enum Confirmed {
        /** Still this instance's, still armed on the same message: analyse it. */
        MINE,
        /** Disarmed or re-armed since (a close, a request, a new message): nothing to do. */
        MOOT,
        /** The lease ran out and another instance claimed it. */
        LOST
    }

    /** A claim confirmed, and when (Redis' clock). */
    public record Confirmation(Confirmed outcome, Instant at) {
    }

    /** Whether a claimed idle analysis, about to be published, may be. */
    public enum Publishing {
        /** The claim is still this instance's (renewed), or no other instance can have this trigger: publish. */
        PUBLISH,
        /** Published already, by an instance that took the claim over: not again. */
        PUBLISHED_ALREADY,
        /** Another instance holds the claim on this timer, or it was handed back: leave it to them. */
        LOST
    }

    private static final RedisScript CLAIM = RedisScript.load("/idle/claim.lua");
    private static final RedisScript CONFIRM = RedisScript.load("/idle/confirm.lua");
    private static final RedisScript DONE = RedisScript.load("/idle/done.lua");
    private static final RedisScript DISARM = RedisScript.load("/idle/disarm.lua");
    private static final RedisScript RELEASE = RedisScript.load("/idle/release.lua");
    private static final RedisScript RENEW = RedisScript.load("/idle/renew.lua");
    private static final RedisScript MAY_PUBLISH = RedisScript.load("/idle/may-publish.lua");
    private static final RedisScript FAILED = RedisScript.load("/idle/failed.lua");

    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    /** How long a count of failed attempts is kept: as long as the history it is about. */
    private final Duration keep;
    /** Names this instance's claims: a claim whose token changed was taken over. */
    private final String token = UUID.randomUUID().toString();

    /** One shard's claims, and how many conversations that shard holds armed (for the gauge). */
    public record Claimed(int shard, long armed, List<ClaimedConversation> conversations) {
    }

    @Inject
    IdleSchedule(ReactiveRedisDataSource redis, HistoryConfig history) {
        this(redis, history.keyPrefix(), history.ttl());
    }

    IdleSchedule(ReactiveRedisDataSource redis, String keyPrefix, Duration keep) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.keep = keep;
    }

    /**
     * Claims up to {@code max} conversations of shard {@code index} whose idle timer is due, for {@code lease}.
     */
    public Uni<Claimed> claimDue(int index, int max, Duration lease) {
        IdleShard shard = IdleShard.of(keyPrefix, index);
        return CLAIM.run(redis, 4, shard.due(), shard.armed(), shard.claims(), shard.attempts(),
                Integer.toString(max), Long.toString(lease.toMillis()), token)
                .chain(response -> decode(shard, response));
    }

    /** Checks that a claim still stands, and if so renews it for {@code lease} from now. */
    public Uni<Confirmation> confirm(ClaimedConversation claimed, Duration lease) {
        IdleShard shard = claimed.shard();
        return CONFIRM.run(redis, 3, shard.due(), shard.armed(), shard.claims(), claimed.slug(),
                claimed.armed().eventId(), token, Long.toString(lease.toMillis()))
                .map(response -> new Confirmation(confirmed(response.get(0).toInteger()),
                        Instant.ofEpochMilli(response.get(1).toLong())));
    }

    /**
     * Just before the idle analysis of a claim is published: whether it may be. A claim still held is renewed for
     * {@code lease} from now, so that the publication cannot outlast it unnoticed.
     */
    public Uni<Publishing> mayPublish(ClaimedConversation claimed, Duration lease) {
        IdleShard shard = claimed.shard();
        String published = HistoryKeys.of(keyPrefix, claimed.conversationId()).publishedAnalyses();
        String analysisId = AnalysisRecord.analysisId(claimed.conversationId(), claimed.armed().eventId(),
                TriggerType.CONVERSATION_IDLE);
        return MAY_PUBLISH.run(redis, 4, shard.due(), shard.armed(), shard.claims(), published, claimed.slug(),
                claimed.armed().eventId(), token, Long.toString(lease.toMillis()), analysisId)
                .map(response -> switch (response.toInteger()) {
                    case 1 -> Publishing.PUBLISH;
                    case 0 -> Publishing.PUBLISHED_ALREADY;
                    default -> Publishing.LOST;
                });
    }

    /**
     * The idle analysis is published, or was not needed: disarmed (unless re-armed meanwhile). {@code MINE} when the
     * claim was still this instance's; {@code MOOT} when a new message, a close or a request had dropped it; {@code
     * LOST} when another instance holds it.
     */
    public Uni<Confirmed> done(ClaimedConversation claimed) {
        IdleShard shard = claimed.shard();
        return DONE.run(redis, 4, shard.due(), shard.armed(), shard.claims(), shard.attempts(), claimed.slug(),
                claimed.armed().eventId(), token).map(response -> confirmed(response.toInteger()));
    }

    /**
     * The idle analysis of a claim failed: one more failed attempt for its timer. Below {@code maxAttempts} the
     * claim is dropped and the conversation falls due again {@code retryAfter} from now, for any instance; at
     * {@code maxAttempts} the claim stays this instance's, to give up on. Returns the timer's failed attempts so far
     * (1, 2, ...), 0 when the conversation was re-armed or disarmed since, -1 when another instance holds the claim.
     */
    public Uni<Integer> failed(ClaimedConversation claimed, int maxAttempts, Duration retryAfter) {
        IdleShard shard = claimed.shard();
        return FAILED.run(redis, 4, shard.due(), shard.armed(), shard.claims(), shard.attempts(), claimed.slug(),
                claimed.armed().eventId(), token, Integer.toString(maxAttempts),
                Long.toString(retryAfter.toMillis()), Long.toString(Math.max(1, keep.toMillis())))
                .map(response -> response.toInteger());
    }

    private static Confirmed confirmed(int outcome) {
        return switch (outcome) {
            case 1 -> Confirmed.MINE;
            case 0 -> Confirmed.MOOT;
            default -> Confirmed.LOST;
        };
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
        keysThenArgs.add(Long.toString(lease.toMillis()));
        keysThenArgs.addAll(held);
        return RENEW.run(redis, 2, keysThenArgs.toArray(String[]::new)).replaceWithVoid();
    }

    /** A claim this instance will not work on (it is stopping): due again at once, for the others. */
    public Uni<Void> release(ClaimedConversation claimed) {
        IdleShard shard = claimed.shard();
        return RELEASE.run(redis, 3, shard.due(), shard.armed(), shard.claims(), claimed.slug(), token)
                .replaceWithVoid();
    }

    /**
     * A {@code conversation.closed} or {@code analysis.requested} at this partition and offset: its conversation is
     * disarmed, unless a message after the trigger armed it. True when disarmed.
     */
    public Uni<Boolean> disarm(String conversationId, int partition, long offset) {
        HistoryKeys keys = HistoryKeys.of(keyPrefix, conversationId);
        IdleShard shard = keys.shard();
        return DISARM.run(redis, 4, shard.due(), shard.armed(), shard.claims(), shard.attempts(), keys.slug(),
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
