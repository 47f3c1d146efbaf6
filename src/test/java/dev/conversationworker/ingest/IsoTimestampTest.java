package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The fast path answers exactly as {@code OffsetDateTime.parse} does, for what producers send and for the rest. */
class IsoTimestampTest {

    @Test
    void agreesWithTheJdkOnEdgeCases() {
        for (String text : List.of("2026-11-30T18:20:33Z", "2026-11-30T18:20:33.1Z", "2026-11-30T18:20:33.123456789Z",
                "2026-11-30T18:20:33.1234567890Z", "2026-11-30T18:20:33.Z", "2026-11-30T18:20:33+07:00",
                "2026-11-30T18:20:33-00:00", "2026-11-30T18:20:33+18:00", "2026-11-30T18:20:33+18:01",
                "2026-11-30T18:20:33+05:60", "2026-11-30T18:20:33+07:00:30", "2026-11-30T18:20Z",
                "2026-11-30t18:20:33z", "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-30T24:00:00Z", "2026-11-30T23:59:60Z", "0000-01-01T00:00:00Z", "+12026-01-01T00:00:00Z",
                "2026-11-30T18:20:33", "2026-11-30 18:20:33Z", "2026-1l-30T18:20:33Z", "２０２６-11-30T18:20:33Z",
                "2026-11-30T18:20:33+0700", "2026-11-30T18:20:33.5+07:00", "")) {
            assertSame(text);
        }
    }

    @Test
    void agreesWithTheJdkOnRandomTimestamps() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong() % 4_000_000_000L, random.nextInt(1_000_000_000));
            // quarter hours from -17:00 to +17:00
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(137) * 900 - 17 * 3600);
            String text = OffsetDateTime.ofInstant(instant, offset).toString();
            assertSame(text);
            // and a random corruption of it
            char[] chars = text.toCharArray();
            chars[random.nextInt(chars.length)] = "0123456789:-+TZ.x".charAt(random.nextInt(17));
            assertSame(new String(chars));
        }
    }

    private static void assertSame(String text) {
        OffsetDateTime expected;
        try {
            expected = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> IsoTimestamp.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(IsoTimestamp.parse(text)).as(text).isEqualTo(expected);
    }
}
