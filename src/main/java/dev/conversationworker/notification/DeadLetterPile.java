package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * When dead letters pile up: the one dead letter of a window that reaches the threshold says so (with the count and
 * the window's start); every other says nothing. Per instance, in memory.
 */
final class DeadLetterPile {

    private final int threshold;
    private final WindowedCounter deadLetters;

    DeadLetterPile(int threshold, Duration window, Clock clock) {
        this.threshold = threshold;
        this.deadLetters = new WindowedCounter(window, clock);
    }

    /** One more dead letter: the count of its window when it reaches the threshold, else empty. */
    Optional<WindowedCounter.Count> deadLettered() {
        WindowedCounter.Count count = deadLetters.increment();
        return count.value() == threshold ? Optional.of(count) : Optional.empty();
    }
}
