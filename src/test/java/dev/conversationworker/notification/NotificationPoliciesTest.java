package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The plain policies that keep on-call from a flood: dead letters piling up, failed-analysis bursts, LLM alarms. */
class NotificationPoliciesTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-24T10:00:00Z"));

    @Test
    void deadLettersSayItOncePerWindowWhenTheThresholdIsReached() {
        DeadLetterPile pile = new DeadLetterPile(3, Duration.ofMinutes(5), clock);
        assertThat(pile.deadLettered()).isEmpty();
        assertThat(pile.deadLettered()).isEmpty();
        assertThat(pile.deadLettered()).hasValueSatisfying(count -> {
            assertThat(count.value()).isEqualTo(3);
            assertThat(count.windowStart()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        });
        assertThat(pile.deadLettered()).isEmpty();

        clock.advance(Duration.ofMinutes(6)); // a new window: counting starts again
        assertThat(pile.deadLettered()).isEmpty();
        assertThat(pile.deadLettered()).isEmpty();
        assertThat(pile.deadLettered()).hasValueSatisfying(count -> assertThat(count.windowStart())
                .isEqualTo(Instant.parse("2026-11-24T10:06:00Z")));
    }

    @Test
    void failedAnalysesAreToldOneByOneForABurstThenOnceSummedUpThenNotAtAll() {
        FailedAnalysisBursts bursts = new FailedAnalysisBursts(2, Duration.ofMinutes(5), clock);
        assertThat(bursts.failed()).isInstanceOf(FailedAnalysisBursts.Each.class);
        assertThat(bursts.failed()).isInstanceOf(FailedAnalysisBursts.Each.class);
        assertThat(bursts.failed()).isEqualTo(new FailedAnalysisBursts.Summary(3,
                Instant.parse("2026-11-24T10:00:00Z")));
        assertThat(bursts.failed()).isInstanceOf(FailedAnalysisBursts.Quiet.class);
        assertThat(bursts.failed()).isInstanceOf(FailedAnalysisBursts.Quiet.class);

        clock.advance(Duration.ofMinutes(5));
        assertThat(bursts.failed()).isInstanceOf(FailedAnalysisBursts.Each.class);
    }

    @Test
    void anLlmThatNeedsAnOperatorIsToldOncePerEndpointPerWindow() {
        OncePerWindow<String> alarms = new OncePerWindow<>(LlmOperatorAlarm.WINDOW, clock);
        assertThat(alarms.first("primary")).isTrue();
        assertThat(alarms.first("primary")).isFalse();
        assertThat(alarms.first("fallback")).as("each endpoint has its own window").isTrue();
        clock.advance(LlmOperatorAlarm.WINDOW.minusSeconds(1));
        assertThat(alarms.first("primary")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(alarms.first("primary")).as("a quota still gone ten minutes later is told again").isTrue();
    }

    /** Time that moves only when the test says so. */
    private static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
