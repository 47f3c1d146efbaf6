package dev.conversationworker.waiting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.schedule.ClaimInHand;
import dev.conversationworker.schedule.SchedulePoller;
import dev.conversationworker.testsupport.WithLlm;

/**
 * The shared poller over a leased schedule in the real Redis (the waiting room's), as two instances see it: one
 * instance holds no more than its room, renews what it holds for as long as it works on it (however many leases
 * that takes, the other never gets it), and hands back what it holds when it stops, due at once for the other.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class SchedulePollerOnRedisTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMillis(600);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    Vertx vertx;

    private final String prefix = "cw-poller-test-" + System.nanoTime();

    @Test
    void claimsAreBoundedRenewedWhileHeldAndHandedBackAtShutdown() throws InterruptedException {
        WaitingAnalyses mine = room();
        WaitingAnalyses other = room();
        for (String id : List.of("a", "b", "c")) {
            mine.park(analysis(id)).await().atMost(AWAIT);
        }
        CompletableFuture<Void> neverDone = new CompletableFuture<>();
        SchedulePoller<WaitingAnalysis> poller = new SchedulePoller<>(vertx, mine,
                new SchedulePoller.Settings(Duration.ofMillis(50), 2, LEASE), new SchedulePoller.Work<>() {

                    @Override
                    public Uni<Void> handle(ClaimInHand<WaitingAnalysis> held) {
                        return Uni.createFrom().completionStage(neverDone);
                    }

                    @Override
                    public Uni<Void> failed(ClaimInHand<WaitingAnalysis> held, Throwable failure) {
                        return Uni.createFrom().voidItem();
                    }
                }, new SchedulePoller.Log() {

                    @Override
                    public void claimFailing(String failure, long pollIntervalMs) {
                    }

                    @Override
                    public void claimWorksAgain() {
                    }
                });
        try {
            poller.start();
            await().atMost(AWAIT).until(() -> poller.inHand() == 2);
            Thread.sleep(LEASE.multipliedBy(3).toMillis());
            assertThat(poller.inHand()).as("no more than its room").isEqualTo(2);
            assertThat(other.claimDue(10).await().atMost(AWAIT)).as("only the one left over, after three leases")
                    .hasSize(1);

            poller.stopClaiming();
            poller.handBack(Duration.ZERO, AWAIT);
            assertThat(other.claimDue(10).await().atMost(AWAIT)).as("handed back: due at once").hasSize(2);
        } finally {
            poller.stopClaiming();
            neverDone.complete(null);
        }
    }

    private WaitingAnalyses room() {
        AnalysisConfig.Waiting config = new AnalysisConfig.Waiting() {

            public Duration maxWait() {
                return Duration.ofMinutes(15);
            }

            public int maxWaiting() {
                return 1000;
            }

            public Duration retryInitialBackoff() {
                return Duration.ZERO;
            }

            public Duration retryMaxBackoff() {
                return Duration.ZERO;
            }

            public Duration pollInterval() {
                return Duration.ofMillis(50);
            }

            public int maxResuming() {
                return 2;
            }

            public Duration lease() {
                return LEASE;
            }
        };
        return new WaitingAnalyses(redis, config, prefix, Clock.systemUTC());
    }

    private static WaitingAnalysis analysis(String conversationId) {
        return new WaitingAnalysis(conversationId, "close-" + conversationId, TriggerType.CONVERSATION_CLOSED,
                "2026-11-24T10:00:00Z", new FormattedConversation("[1] user: hi", 1, 1, false),
                System.currentTimeMillis(), 1, "primary answered HTTP 503", 0, null);
    }
}
