package dev.conversationworker.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

    @Test
    void growsFromTheInitialPauseAndStopsAtTheCapWithJitterInTheUpperHalf() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.after(1).toMillis()).isBetween(100L, 200L);
            assertThat(backoff.after(3).toMillis()).isBetween(400L, 800L);
            assertThat(backoff.after(10).toMillis()).isBetween(5_000L, 10_000L);
            assertThat(backoff.after(1_000).toMillis()).as("no overflow").isBetween(5_000L, 10_000L);
            assertThat(backoff.after(0).toMillis()).isBetween(100L, 200L);
        }
    }
}
