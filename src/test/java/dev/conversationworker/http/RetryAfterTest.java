package dev.conversationworker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:27:00Z");

    @Test
    void readsSecondsAndFractionsOfThem() {
        assertThat(RetryAfter.parse(" 2 ", NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse("1.5", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
    }

    @Test
    void readsAnHttpDateAsThePauseUntilThenAndAPastDateAsNone() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).contains(Duration.ofMinutes(1));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:26:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void absentOrUnreadableIsEmpty() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.2.3", NOW)).isEmpty();
    }
}
