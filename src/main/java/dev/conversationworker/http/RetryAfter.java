package dev.conversationworker.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The one reader of an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The pause asked for, from now; empty when absent or unreadable. */
    public static Optional<Duration> parse(String value) {
        return parse(value, Instant.now());
    }

    /**
     * Seconds (a fraction accepted, as some servers send it) or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT});
     * a date already past is zero. Empty when absent or unreadable.
     */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        try {
            if (text.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(text) * 1000)));
            }
            Duration untilDate = Duration.between(now,
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(untilDate.isNegative() ? Duration.ZERO : untilDate);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
