package dev.conversationworker.idle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.idle.IdleSchedule.Confirmed;
import dev.conversationworker.idle.IdleSchedule.Publishing;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.Role;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.testsupport.WithLlm;

/**
 * The idle schedule's claims in the real Redis, as two instances sharing it see them: one whose lease lapsed, or
 * that handed its claim back, does not publish what the other took over; a claim dropped by a new message is moot,
 * not lost; failed attempts are counted per timer for all instances, up to the last; due times and the time an
 * armed message was stored are on Redis' clock.
 */
@QuarkusTest
@TestProfile(IdleScheduleTest.NoPoller.class)
class IdleScheduleTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final Duration SHORT_LEASE = Duration.ofMillis(300);
    private static final Duration IDLE = Duration.ofMillis(1);

    /** No idle poller in this worker: the test's two schedules are the only instances. */
    public static class NoPoller extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.idle.after", "0", "history.key-prefix", "cw-idle-schedule-" + System.nanoTime());
        }
    }

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ConversationHistory history;

    @Inject
    HistoryConfig config;

    private int offset;

    @Test
    void anInstanceWhoseLeaseLapsedDoesNotPublishWhatAnotherTookOver() throws Exception {
        IdleSchedule one = schedule();
        IdleSchedule other = schedule();
        String c = dueConversation("lapsed");
        ClaimedConversation first = claimOne(one, c, SHORT_LEASE);
        assertThat(one.confirm(first, SHORT_LEASE).await().atMost(AWAIT).outcome()).isEqualTo(Confirmed.MINE);
        Thread.sleep(SHORT_LEASE.toMillis() + 100); // its renewals stopped: the lease lapses

        ClaimedConversation second = claimOne(other, c, Duration.ofMinutes(1));
        assertThat(other.confirm(second, Duration.ofMinutes(1)).await().atMost(AWAIT).outcome())
                .isEqualTo(Confirmed.MINE);
        assertThat(one.mayPublish(first, SHORT_LEASE).await().atMost(AWAIT)).isEqualTo(Publishing.LOST);
        assertThat(other.mayPublish(second, Duration.ofMinutes(1)).await().atMost(AWAIT))
                .isEqualTo(Publishing.PUBLISH);

        history.markPublished(c, AnalysisRecord.analysisId(c, "m1", TriggerType.CONVERSATION_IDLE)).await()
                .atMost(AWAIT);
        assertThat(other.done(second).await().atMost(AWAIT)).isEqualTo(Confirmed.MINE);
        assertThat(one.mayPublish(first, SHORT_LEASE).await().atMost(AWAIT)).as("published by the other")
                .isEqualTo(Publishing.PUBLISHED_ALREADY);
    }

    @Test
    void aClaimHandedBackIsNotPublishedByTheInstanceThatHandedItBack() {
        IdleSchedule one = schedule();
        String c = dueConversation("handed-back");
        ClaimedConversation claimed = claimOne(one, c, Duration.ofMinutes(1));
        one.release(claimed).await().atMost(AWAIT);
        assertThat(one.mayPublish(claimed, Duration.ofMinutes(1)).await().atMost(AWAIT)).isEqualTo(Publishing.LOST);
        assertThat(claimOne(schedule(), c, Duration.ofMinutes(1)).armed().eventId()).as("due again, for others")
                .isEqualTo("m1");
    }

    @Test
    void aClaimDroppedByANewMessageIsMootNotLostAndItsAnalysisIsStillPublished() {
        IdleSchedule one = schedule();
        String c = dueConversation("re-armed");
        ClaimedConversation claimed = claimOne(one, c, Duration.ofMinutes(1));
        arm(c, "m2", Duration.ofHours(1)); // a new message while the idle analysis of m1 runs

        assertThat(one.mayPublish(claimed, Duration.ofMinutes(1)).await().atMost(AWAIT))
                .as("no one else will analyse m1's idle trigger").isEqualTo(Publishing.PUBLISH);
        assertThat(one.done(claimed).await().atMost(AWAIT)).isEqualTo(Confirmed.MOOT);
        assertThat(one.confirm(claimed, Duration.ofMinutes(1)).await().atMost(AWAIT).outcome())
                .isEqualTo(Confirmed.MOOT);
        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), c);
        assertThat(redis.execute("HGET", keys.shard().armed(), keys.slug()).await().atMost(AWAIT).toString())
                .as("the new timer stands").contains("\"m2\"");
    }

    @Test
    void failedAttemptsAreCountedForAllInstancesAndTheLastOneKeepsTheClaimToGiveUp() throws Exception {
        IdleSchedule one = schedule();
        IdleSchedule other = schedule();
        String c = dueConversation("failing");
        Duration pause = Duration.ofMillis(300);

        ClaimedConversation first = claimOne(one, c, Duration.ofMinutes(1));
        assertThat(one.failed(first, 2, pause).await().atMost(AWAIT)).isEqualTo(1);
        assertThat(claim(other, c, Duration.ofMinutes(1))).as("not due again before the pause").isEmpty();
        Thread.sleep(pause.toMillis() + 100);

        ClaimedConversation second = claimOne(other, c, Duration.ofMinutes(1));
        assertThat(one.failed(first, 2, pause).await().atMost(AWAIT)).as("no longer the first's").isEqualTo(-1);
        assertThat(other.failed(second, 2, pause).await().atMost(AWAIT)).isEqualTo(2);
        Thread.sleep(pause.toMillis() + 100);
        assertThat(claim(one, c, Duration.ofMinutes(1))).as("kept by the instance giving up").isEmpty();
        assertThat(other.mayPublish(second, Duration.ofMinutes(1)).await().atMost(AWAIT))
                .isEqualTo(Publishing.PUBLISH);
        assertThat(other.done(second).await().atMost(AWAIT)).isEqualTo(Confirmed.MINE);

        arm(c, "m2", IDLE); // a new timer starts counting afresh
        ClaimedConversation third = claimOne(one, c, Duration.ofMinutes(1));
        assertThat(one.failed(third, 2, pause).await().atMost(AWAIT)).isEqualTo(1);
    }

    @Test
    void dueTimesAndTheStoredTimeAreOnRedisClock() {
        String c = "clock-" + System.nanoTime();
        arm(c, "m1", Duration.ofHours(1));
        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), c);
        var time = redis.execute("TIME").await().atMost(AWAIT);
        long redisNow = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
        long due = (long) Double.parseDouble(redis.execute("ZSCORE", keys.shard().due(), keys.slug()).await()
                .atMost(AWAIT).toString());
        JsonObject armed = new JsonObject(redis.execute("HGET", keys.shard().armed(), keys.slug()).await()
                .atMost(AWAIT).toString());
        assertThat(armed.getLong("t")).isBetween(redisNow - 5000, redisNow);
        assertThat(due).isEqualTo(armed.getLong("t") + Duration.ofHours(1).toMillis());
    }

    private IdleSchedule schedule() {
        return new IdleSchedule(redis, config.keyPrefix(), config.ttl());
    }

    /** A new conversation, named after {@code label}, whose message m1 is idle: due at once. */
    private String dueConversation(String label) {
        String c = label + "-" + System.nanoTime();
        arm(c, "m1", IDLE);
        return c;
    }

    private void arm(String conversation, String eventId, Duration idleAfter) {
        ChatEvent message = new ChatEvent(eventId, EventType.MESSAGE, conversation,
                OffsetDateTime.now(ZoneOffset.UTC), Role.USER, "hello", null, null, null, null);
        history.append(message, 0, offset++, idleAfter).await().atMost(AWAIT);
        try {
            Thread.sleep(5); // a timer of 1 ms is due by the next claim
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<ClaimedConversation> claim(IdleSchedule schedule, String conversation, Duration lease) {
        int shard = HistoryKeys.shardOf(conversation);
        return schedule.claimDue(shard, 100, lease).await().atMost(AWAIT).conversations().stream()
                .filter(claimed -> claimed.conversationId().equals(conversation)).toList();
    }

    private ClaimedConversation claimOne(IdleSchedule schedule, String conversation, Duration lease) {
        List<ClaimedConversation> claimed = claim(schedule, conversation, lease);
        assertThat(claimed).as("claimed " + conversation).hasSize(1);
        return claimed.get(0);
    }
}
