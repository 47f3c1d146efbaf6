package dev.conversationworker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The poller's bookkeeping, with a schedule that fails on demand: a claim that keeps failing is logged once per
 * outage, not once per poll, and its end once; after SIGTERM nothing more is claimed. (The leases themselves, on
 * the real Redis: {@code waiting.SchedulePollerOnRedisTest}.)
 */
class SchedulePollerTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aClaimThatKeepsFailingIsLoggedOncePerOutageAndNothingIsClaimedAfterStopping() {
        AtomicInteger claims = new AtomicInteger();
        AtomicInteger failing = new AtomicInteger();
        AtomicInteger worksAgain = new AtomicInteger();
        LeasedSchedule<String> redisAwayForTenPolls = new LeasedSchedule<>() {

            @Override
            public Uni<List<String>> claimDue(int max) {
                return claims.incrementAndGet() <= 10
                        ? Uni.createFrom().failure(new IllegalStateException("Connection refused"))
                        : Uni.createFrom().item(List.of());
            }

            @Override
            public Uni<Void> renew(Collection<String> held) {
                return Uni.createFrom().voidItem();
            }

            @Override
            public Uni<Void> release(String claimed) {
                return Uni.createFrom().voidItem();
            }

            @Override
            public String idOf(String claimed) {
                return claimed;
            }
        };
        SchedulePoller.Log log = new SchedulePoller.Log() {

            @Override
            public void claimFailing(String failure, long pollIntervalMs) {
                assertThat(failure).isEqualTo("Connection refused");
                failing.incrementAndGet();
            }

            @Override
            public void claimWorksAgain() {
                worksAgain.incrementAndGet();
            }
        };
        SchedulePoller<String> poller = new SchedulePoller<>(vertx, redisAwayForTenPolls,
                new SchedulePoller.Settings(Duration.ofMillis(10), 4, Duration.ofSeconds(3)), nothingToDo(), log);

        poller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> claims.get() > 15);
        assertThat(failing).as("once for the outage, not ten times").hasValue(1);
        assertThat(worksAgain).as("once for its end").hasValue(1);

        poller.stopClaiming();
        int before = claims.get();
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        assertThat(claims.get()).as("no claim after SIGTERM").isLessThanOrEqualTo(before + 1);
    }

    private static SchedulePoller.Work<String> nothingToDo() {
        return new SchedulePoller.Work<>() {

            @Override
            public Uni<Void> handle(ClaimInHand<String> held) {
                return Uni.createFrom().voidItem();
            }

            @Override
            public Uni<Void> failed(ClaimInHand<String> held, Throwable failure) {
                return Uni.createFrom().voidItem();
            }
        };
    }
}
