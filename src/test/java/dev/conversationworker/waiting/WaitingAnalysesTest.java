package dev.conversationworker.waiting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.testsupport.TestClock;
import dev.conversationworker.testsupport.WithLlm;

/** The waiting room in the real Redis, as two instances sharing it see it. */
@QuarkusTest
@TestProfile(WithLlm.class)
class WaitingAnalysesTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(2);

    @Inject
    ReactiveRedisDataSource redis;

    private final TestClock clock = new TestClock();
    private final String prefix = "cw-wait-test-" + System.nanoTime();

    @Test
    void twoInstancesClaimingAtOnceNeverTakeTheSameAnalysis() {
        WaitingAnalyses one = room(1000);
        WaitingAnalyses other = room(1000);
        for (int i = 0; i < 200; i++) {
            one.park(analysis("c" + i, clock.millis())).await().atMost(AWAIT);
        }
        clock.advance(Duration.ofMinutes(2));
        Set<String> claimedByOne = new HashSet<>();
        Set<String> claimedByOther = new HashSet<>();
        List<WaitingAnalysis> lastOne;
        List<WaitingAnalysis> lastOther;
        do {
            var both = Uni.combine().all().unis(one.claimDue(7), other.claimDue(7)).asTuple().await().atMost(AWAIT);
            lastOne = both.getItem1();
            lastOther = both.getItem2();
            lastOne.forEach(a -> claimedByOne.add(a.conversationId()));
            lastOther.forEach(a -> claimedByOther.add(a.conversationId()));
        } while (!lastOne.isEmpty() || !lastOther.isEmpty());

        assertThat(claimedByOne).doesNotContainAnyElementsOf(claimedByOther);
        Set<String> all = new HashSet<>(claimedByOne);
        all.addAll(claimedByOther);
        assertThat(all).hasSize(200);
        assertThat(claimedByOne).isNotEmpty();
        assertThat(claimedByOther).isNotEmpty();
    }

    @Test
    void aClaimIsALeaseThatFallsDueAgainIfItsHolderDies() {
        WaitingAnalyses room = room(1000);
        room.park(analysis("leased", clock.millis())).await().atMost(AWAIT);
        assertThat(room.claimDue(10).await().atMost(AWAIT)).as("not due yet").isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(room.claimDue(10).await().atMost(AWAIT)).hasSize(1);
        assertThat(room.claimDue(10).await().atMost(AWAIT)).as("claimed, for the lease").isEmpty();
        clock.advance(LEASE.plusSeconds(1));
        List<WaitingAnalysis> again = room.claimDue(10).await().atMost(AWAIT);
        assertThat(again).extracting(WaitingAnalysis::conversationId).containsExactly("leased");

        room.retryLater(again.get(0).failedAgain(AnalysisOutcome.failed("still down", 0, true))).await().atMost(AWAIT);
        clock.advance(Duration.ofMinutes(2));
        WaitingAnalysis rescheduled = room.claimDue(10).await().atMost(AWAIT).get(0);
        assertThat(rescheduled.attempts()).isEqualTo(2);
        assertThat(rescheduled.lastError()).isEqualTo("still down");

        room.done(rescheduled).await().atMost(AWAIT);
        assertThat(room.count().await().atMost(AWAIT)).isZero();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(room.claimDue(10).await().atMost(AWAIT)).as("done is gone for good").isEmpty();
    }

    /**
     * A claim carries its claimer's token: an instance whose lease lapsed, and whose analysis another instance has
     * claimed since, can neither renew, reschedule nor hand back the other's claim (each would cut the other's
     * lease short or stretch it, and let a third instance try the analysis too).
     */
    @Test
    void onlyTheClaimerRenewsReschedulesOrHandsBackItsClaim() {
        WaitingAnalyses slow = room(1000);
        WaitingAnalyses other = room(1000);
        slow.park(analysis("taken-over", clock.millis())).await().atMost(AWAIT);
        clock.advance(Duration.ofMinutes(2));
        WaitingAnalysis mine = slow.claimDue(10).await().atMost(AWAIT).get(0);
        clock.advance(LEASE.plusSeconds(1));
        assertThat(other.claimDue(10).await().atMost(AWAIT)).as("the lapsed claim, taken over").hasSize(1);

        slow.release(mine).await().atMost(AWAIT);
        assertThat(other.claimDue(10).await().atMost(AWAIT)).as("not handed back by the slow one").isEmpty();
        slow.retryLater(mine.failedAgain(AnalysisOutcome.failed("late", 0, true))).await().atMost(AWAIT);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1)); // past any backoff, within the other's lease
        assertThat(other.claimDue(10).await().atMost(AWAIT)).as("not rescheduled by the slow one").isEmpty();
        slow.renew(List.of(mine)).await().atMost(AWAIT);
        clock.advance(LEASE);
        List<WaitingAnalysis> again = other.claimDue(10).await().atMost(AWAIT);
        assertThat(again).as("the other's lease, not renewed by the slow one, ended").hasSize(1);
        assertThat(again.get(0).attempts()).as("the slow one's reschedule changed nothing").isEqualTo(1);

        other.renew(again).await().atMost(AWAIT);
        clock.advance(LEASE.minusSeconds(1));
        other.renew(again).await().atMost(AWAIT);
        clock.advance(Duration.ofSeconds(2));
        assertThat(slow.claimDue(10).await().atMost(AWAIT)).as("renewed by its claimer").isEmpty();
        other.release(again.get(0)).await().atMost(AWAIT);
        assertThat(slow.claimDue(10).await().atMost(AWAIT)).as("handed back by its claimer: due at once")
                .hasSize(1);
    }

    @Test
    void aRedeliveredTriggerKeepsItsFirstWaitAndTheRoomIsBounded() {
        WaitingAnalyses room = room(2);
        long first = clock.millis();
        assertThat(room.park(analysis("a", first)).await().atMost(AWAIT)).isEqualTo(WaitingAnalyses.Parked.WAITING);
        assertThat(room.park(analysis("a", first + 60_000)).await().atMost(AWAIT))
                .isEqualTo(WaitingAnalyses.Parked.ALREADY_WAITING);
        assertThat(room.park(analysis("b", first)).await().atMost(AWAIT)).isEqualTo(WaitingAnalyses.Parked.WAITING);
        assertThat(room.park(analysis("c", first)).await().atMost(AWAIT)).isEqualTo(WaitingAnalyses.Parked.FULL);

        clock.advance(Duration.ofMinutes(2));
        List<WaitingAnalysis> claimed = room.claimDue(10).await().atMost(AWAIT);
        assertThat(claimed).extracting(WaitingAnalysis::conversationId).containsExactlyInAnyOrder("a", "b");
        assertThat(claimed).filteredOn(a -> a.conversationId().equals("a")).singleElement()
                .satisfies(a -> assertThat(a.waitingSince()).isEqualTo(first));
    }

    @Test
    void anUnreadableEntryIsDroppedNotRetriedForever() {
        WaitingAnalyses room = room(1000);
        room.park(analysis("fine", clock.millis())).await().atMost(AWAIT);
        String hash = prefix + ":{waiting}:analyses";
        redis.execute("HSET", hash, "garbled", "{not json").await().atMost(AWAIT);
        redis.execute("ZADD", prefix + ":{waiting}:due", "0", "garbled").await().atMost(AWAIT);
        clock.advance(Duration.ofMinutes(2));

        assertThat(room.claimDue(10).await().atMost(AWAIT)).extracting(WaitingAnalysis::conversationId)
                .containsExactly("fine");
        assertThat(room.count().await().atMost(AWAIT)).isEqualTo(1);
    }

    @Test
    void oneInstanceAmongAllAnnouncesTheWaitPerWindow() throws InterruptedException {
        WaitingAnalyses one = room(1000);
        WaitingAnalyses other = room(1000);
        Duration window = Duration.ofMillis(300);
        assertThat(one.firstToAnnounce(window).await().atMost(AWAIT)).isTrue();
        assertThat(other.firstToAnnounce(window).await().atMost(AWAIT)).isFalse();
        assertThat(one.firstToAnnounce(window).await().atMost(AWAIT)).isFalse();
        Thread.sleep(window.toMillis() + 200);
        assertThat(other.firstToAnnounce(window).await().atMost(AWAIT)).as("a new window").isTrue();
    }

    private WaitingAnalyses room(int maxWaiting) {
        AnalysisConfig.Waiting config = new AnalysisConfig.Waiting() {

            public Duration maxWait() {
                return Duration.ofMinutes(15);
            }

            public int maxWaiting() {
                return maxWaiting;
            }

            public Duration retryInitialBackoff() {
                return Duration.ofSeconds(5);
            }

            public Duration retryMaxBackoff() {
                return Duration.ofMinutes(1);
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            public int maxResuming() {
                return 64;
            }

            public Duration lease() {
                return LEASE;
            }
        };
        return new WaitingAnalyses(redis, config, prefix, clock);
    }

    private static WaitingAnalysis analysis(String conversationId, long waitingSince) {
        return new WaitingAnalysis(conversationId, "close-" + conversationId, TriggerType.CONVERSATION_CLOSED,
                "2026-11-24T10:00:00Z", new FormattedConversation("[1] user: hi", 1, 1, false), waitingSince, 1,
                "primary answered HTTP 503", 0, null);
    }
}
