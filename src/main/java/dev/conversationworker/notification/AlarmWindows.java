package dev.conversationworker.notification;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * Counts the occurrences of an alarm's cause in windows of a fixed length, so that on-call is told once per window:
 * a window opens at the first occurrence after the previous window closed.
 */
@FunctionalInterface
interface AlarmWindows {

    /** One more occurrence of {@code alarm}: the count of its window so far, this one included, and its start. */
    Uni<WindowedCounter.Count> occurred(String alarm, Duration window);
}
