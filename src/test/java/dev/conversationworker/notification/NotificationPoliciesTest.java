package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.testsupport.TestClock;

/**
 * The plain policies that keep on-call from a flood: dead letters piling up, failed-analysis bursts, LLM alarms,
 * with windows counted in memory ({@code FleetAlarmsTest} counts them in Redis, for several instances).
 */
class NotificationPoliciesTest {

    private final TestClock clock = new TestClock();
    private final AlarmWindows windows = new LocalAlarmWindows(clock);

    @Test
    void deadLettersSayItOncePerWindowWhenTheThresholdIsReached() {
        DeadLetterPile pile = new DeadLetterPile(3, Duration.ofMinutes(5), windows);
        assertThat(pile.deadLettered().await().indefinitely()).isEmpty();
        assertThat(pile.deadLettered().await().indefinitely()).isEmpty();
        assertThat(pile.deadLettered().await().indefinitely()).hasValueSatisfying(count -> {
            assertThat(count.value()).isEqualTo(3);
            assertThat(count.windowStart()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        });
        assertThat(pile.deadLettered().await().indefinitely()).isEmpty();

        clock.advance(Duration.ofMinutes(6)); // a new window: counting starts again
        assertThat(pile.deadLettered().await().indefinitely()).isEmpty();
        assertThat(pile.deadLettered().await().indefinitely()).isEmpty();
        assertThat(pile.deadLettered().await().indefinitely()).hasValueSatisfying(count -> assertThat(
                count.windowStart()).isEqualTo(Instant.parse("2026-11-24T10:06:00Z")));
    }

    @Test
    void failedAnalysesAreToldOneByOneForABurstThenOnceSummedUpThenNotAtAll() {
        FailedAnalysisBursts bursts = new FailedAnalysisBursts(2, Duration.ofMinutes(5), windows);
        assertThat(bursts.failed().await().indefinitely()).isInstanceOf(FailedAnalysisBursts.Each.class);
        assertThat(bursts.failed().await().indefinitely()).isInstanceOf(FailedAnalysisBursts.Each.class);
        assertThat(bursts.failed().await().indefinitely()).isEqualTo(new FailedAnalysisBursts.Summary(3,
                Instant.parse("2026-11-24T10:00:00Z")));
        assertThat(bursts.failed().await().indefinitely()).isInstanceOf(FailedAnalysisBursts.Quiet.class);
        assertThat(bursts.failed().await().indefinitely()).isInstanceOf(FailedAnalysisBursts.Quiet.class);

        clock.advance(Duration.ofMinutes(5));
        assertThat(bursts.failed().await().indefinitely()).isInstanceOf(FailedAnalysisBursts.Each.class);
    }

    @Test
    void anLlmThatNeedsAnOperatorIsToldOncePerEndpointPerWindow() {
        OncePerWindow alarms = new OncePerWindow("llm-needs-operator", LlmOperatorAlarm.WINDOW, windows);
        assertThat(alarms.first("primary").await().indefinitely()).contains(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(alarms.first("primary").await().indefinitely()).isEmpty();
        assertThat(alarms.first("fallback").await().indefinitely()).as("each endpoint has its own window")
                .isPresent();
        clock.advance(LlmOperatorAlarm.WINDOW.minusSeconds(1));
        assertThat(alarms.first("primary").await().indefinitely()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(alarms.first("primary").await().indefinitely())
                .as("a quota still gone ten minutes later is told again").contains(Instant.parse(
                        "2026-11-24T10:10:00Z"));
    }

    @Test
    void whileRedisCannotCountAlarmsEachInstanceCountsItsOwnRatherThanStayingSilent() {
        AtomicBoolean redisAway = new AtomicBoolean(true);
        LocalAlarmWindows redis = new LocalAlarmWindows(clock);
        AlarmWindows fleet = (alarm, window) -> redisAway.get()
                ? Uni.createFrom().failure(new ConnectException("Connection refused"))
                : redis.occurred(alarm, window);
        DeadLetterPile instanceA = new DeadLetterPile(2, Duration.ofMinutes(5), new FleetAlarmWindows(fleet,
                new LocalAlarmWindows(clock)));
        DeadLetterPile instanceB = new DeadLetterPile(2, Duration.ofMinutes(5), new FleetAlarmWindows(fleet,
                new LocalAlarmWindows(clock)));

        assertThat(instanceA.deadLettered().await().indefinitely()).isEmpty();
        assertThat(instanceB.deadLettered().await().indefinitely()).as("B counts its own: 1").isEmpty();
        assertThat(instanceA.deadLettered().await().indefinitely()).as("A alone reached 2").isPresent();
        assertThat(instanceB.deadLettered().await().indefinitely()).as("so did B: a duplicate, not silence")
                .isPresent();

        redisAway.set(false);
        clock.advance(Duration.ofMinutes(5));
        assertThat(instanceA.deadLettered().await().indefinitely()).isEmpty();
        assertThat(instanceB.deadLettered().await().indefinitely()).as("counted together again").isPresent();
    }
}
