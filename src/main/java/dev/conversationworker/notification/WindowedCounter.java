package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Counts occurrences in consecutive windows of a fixed length, so alarms can fire once per window. */
final class WindowedCounter {

    /** The count so far in the current window, this occurrence included, and when that window began. */
    record Count(int value, Instant windowStart) {
    }

    private final Duration window;
    private final Clock clock;
    // Guarded by this.
    private Instant windowStart = Instant.EPOCH;
    private int count;

    WindowedCounter(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    synchronized Count increment() {
        Instant now = clock.instant();
        if (!now.isBefore(windowStart.plus(window))) {
            windowStart = now;
            count = 0;
        }
        return new Count(++count, windowStart);
    }
}
