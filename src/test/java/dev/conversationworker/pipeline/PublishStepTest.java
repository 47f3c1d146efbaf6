package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/**
 * The publish step is orchestration over Kafka and Redis, covered by the integration tests; here, the time its
 * records carry, from the injected clock.
 */
class PublishStepTest {

    @Test
    void anAnalysisIsStampedWithTheInjectedClockToTheMillisecond() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T05:30:01.234567Z"), ZoneOffset.UTC);

        assertThat(new PublishStep(null, null, null, null, null, clock, null).now())
                .isEqualTo("2026-12-02T05:30:01.234Z");
    }
}
