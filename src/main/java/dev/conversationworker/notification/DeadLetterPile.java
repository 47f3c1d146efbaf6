package dev.conversationworker.notification;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * When dead letters pile up: the one dead letter of a window that reaches the threshold says so (with the count and
 * the window's start); every other says nothing. Counted in the given {@link AlarmWindows}: for the whole fleet, so a
 * pile spread over instances is seen, and told once.
 */
final class DeadLetterPile {

    static final String ALARM = "dead-letters";

    private final int threshold;
    private final Duration window;
    private final AlarmWindows windows;

    DeadLetterPile(int threshold, Duration window, AlarmWindows windows) {
        this.threshold = threshold;
        this.window = window;
        this.windows = windows;
    }

    /** One more dead letter: the count of its window when it reaches the threshold, else empty. */
    Uni<Optional<WindowedCounter.Count>> deadLettered() {
        return windows.occurred(ALARM, window)
                .map(count -> count.value() == threshold ? Optional.of(count) : Optional.empty());
    }
}
