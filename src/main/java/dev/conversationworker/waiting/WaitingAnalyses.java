package dev.conversationworker.waiting;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.schedule.LeasedSchedule;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.RedisScript;
import dev.conversationworker.support.StoredJson;

/**
 * The door to the waiting room in Redis, shared by every instance: a hash of waiting analyses, a sorted set of
 * when each is next due, and a hash of who holds a claim on each (its claimer token). Each step is one Lua script,
 * so a claim by one instance and a claim by another never take the same analysis, only the claimer renews, hands
 * back or reschedules its claim, and an analysis is never half parked or half forgotten. The claims hash is new:
 * an older instance sharing the room ignores it (its claims simply carry no token). Non-blocking only.
 */
@ApplicationScoped
public class WaitingAnalyses implements LeasedSchedule<WaitingAnalysis> {

    /** What became of a request to park. */
    public enum Parked {
        /** Now waiting. */
        WAITING,
        /** It was waiting already (its trigger was delivered again); the first wait stands. */
        ALREADY_WAITING,
        /** {@code analysis.max-waiting} are waiting: it cannot. */
        FULL
    }

    private static final RedisScript PARK = RedisScript.load("/waiting/park.lua");
    private static final RedisScript CLAIM = RedisScript.load("/waiting/claim.lua");
    private static final RedisScript RESCHEDULE = RedisScript.load("/waiting/reschedule.lua");
    private static final RedisScript DONE = RedisScript.load("/waiting/done.lua");
    private static final RedisScript RENEW = RedisScript.load("/waiting/renew.lua");
    private static final ObjectMapper JSON = StoredJson.MAPPER;

    private final ReactiveRedisDataSource redis;
    private final AnalysisConfig.Waiting config;
    private final Backoff backoff;
    private final Clock clock;
    private final String dueKey;
    private final String itemsKey;
    private final String announcedKey;
    private final String claimsKey;
    /** Names this instance's claims: a claim whose token changed was taken over. */
    private final String token = UUID.randomUUID().toString();

    @Inject
    WaitingAnalyses(ReactiveRedisDataSource redis, AnalysisConfig config, HistoryConfig history, Clock clock) {
        this(redis, config.waiting(), history.keyPrefix(), clock);
    }

    WaitingAnalyses(ReactiveRedisDataSource redis, AnalysisConfig.Waiting config, String keyPrefix, Clock clock) {
        this.redis = redis;
        this.config = config;
        this.backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        this.clock = clock;
        // One hash tag: the keys sit on one Redis Cluster slot, so the scripts may touch them together.
        this.dueKey = keyPrefix + ":{waiting}:due";
        this.itemsKey = keyPrefix + ":{waiting}:analyses";
        this.announcedKey = keyPrefix + ":{waiting}:announced";
        this.claimsKey = keyPrefix + ":{waiting}:claims";
    }

    public Uni<Parked> park(WaitingAnalysis analysis) {
        long due = clock.millis() + backoff(1).toMillis();
        return PARK.run(redis, 3, dueKey, itemsKey, claimsKey, analysis.id(), encode(analysis), Long.toString(due),
                Integer.toString(config.maxWaiting()))
                .map(response -> switch (response.toInteger()) {
                    case 1 -> Parked.WAITING;
                    case 0 -> Parked.ALREADY_WAITING;
                    default -> Parked.FULL;
                });
    }

    /** Takes up to {@code max} analyses whose attempt is due, for {@code analysis.lease}, in this instance's name. */
    @Override
    public Uni<List<WaitingAnalysis>> claimDue(int max) {
        long now = clock.millis();
        return CLAIM.run(redis, 3, dueKey, itemsKey, claimsKey, Long.toString(now), Integer.toString(max),
                Long.toString(now + config.lease().toMillis()), token)
                // A batch of formatted conversations to parse is CPU work: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(this::decodeAll);
    }

    /** The analysis failed once more: it is due again after a longer pause, unless another instance holds it now. */
    public Uni<Void> retryLater(WaitingAnalysis analysis) {
        return reschedule(analysis, clock.millis() + backoff(analysis.attempts()).toMillis());
    }

    /** A claimed analysis this instance will not try after all (it is stopping): due again at once, for others. */
    @Override
    public Uni<Void> release(WaitingAnalysis analysis) {
        return reschedule(analysis, clock.millis());
    }

    /**
     * Extends this instance's claims on analyses it is still working on by one lease from now; one another instance
     * took over is left to it.
     */
    @Override
    public Uni<Void> renew(Collection<WaitingAnalysis> analyses) {
        if (analyses.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>(analyses.size() + 5);
        args.add(dueKey);
        args.add(itemsKey);
        args.add(claimsKey);
        args.add(Long.toString(clock.millis() + config.lease().toMillis()));
        args.add(token);
        analyses.forEach(analysis -> args.add(analysis.id()));
        return RENEW.run(redis, 3, args.toArray(String[]::new)).replaceWithVoid();
    }

    @Override
    public String idOf(WaitingAnalysis claimed) {
        return claimed.id();
    }

    /** Published (answered, or failed for good): it leaves the room, whoever holds its claim (the id is the same). */
    public Uni<Void> done(WaitingAnalysis analysis) {
        return DONE.run(redis, 3, dueKey, itemsKey, claimsKey, analysis.id()).replaceWithVoid();
    }

    /** Whether the analysis with this id waits (a redelivered trigger then leaves it to the waiting room). */
    public Uni<Boolean> isWaiting(String analysisId) {
        return redis.execute("HEXISTS", itemsKey, analysisId).map(response -> response.toLong() == 1L);
    }

    /**
     * Whether this instance is the first, among all, to announce that analyses wait, in a window that starts now:
     * a key set only if absent, expiring with the window.
     */
    public Uni<Boolean> firstToAnnounce(Duration window) {
        return redis.execute("SET", announcedKey, Long.toString(clock.millis()), "NX", "PX",
                Long.toString(Math.max(1, window.toMillis()))).map(response -> response != null);
    }

    /** How many analyses wait, in all instances. */
    public Uni<Long> count() {
        return redis.execute("HLEN", itemsKey).map(Response::toLong);
    }

    private Uni<Void> reschedule(WaitingAnalysis analysis, long dueAt) {
        return RESCHEDULE.run(redis, 3, dueKey, itemsKey, claimsKey, analysis.id(), encode(analysis),
                Long.toString(dueAt), token)
                .replaceWithVoid();
    }

    /** Exponential from {@code retry-initial-backoff}, capped, with jitter so that a crowd does not come back as one. */
    Duration backoff(int attempts) {
        return backoff.after(attempts);
    }

    private static String encode(WaitingAnalysis analysis) {
        try {
            return JSON.writeValueAsString(analysis);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a waiting analysis is plain data", e);
        }
    }

    /** An entry that cannot be read (written by an incompatible version) is logged and dropped, not retried forever. */
    private Uni<List<WaitingAnalysis>> decodeAll(Response idsAndItems) {
        List<WaitingAnalysis> analyses = new ArrayList<>(idsAndItems.size() / 2);
        List<Uni<Void>> dropped = new ArrayList<>();
        for (int i = 0; i + 1 < idsAndItems.size(); i += 2) {
            String id = idsAndItems.get(i).toString();
            try {
                analyses.add(JSON.readValue(idsAndItems.get(i + 1).toString(), WaitingAnalysis.class));
            } catch (JsonProcessingException e) {
                WaitLog.LOG.unreadableDropped(id, e.getOriginalMessage());
                dropped.add(DONE.run(redis, 3, dueKey, itemsKey, claimsKey, id).replaceWithVoid());
            }
        }
        return dropped.isEmpty()
                ? Uni.createFrom().item(analyses)
                : Uni.join().all(dropped).andCollectFailures().replaceWith(analyses);
    }
}
