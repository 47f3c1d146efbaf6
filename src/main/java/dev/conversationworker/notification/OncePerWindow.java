package dev.conversationworker.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Lets one occurrence per key through per window (an alarm per LLM endpoint per 10 minutes, say): per fleet or per
 * instance, as the {@link AlarmWindows} count.
 */
final class OncePerWindow {

    private final String alarm;
    private final Duration window;
    private final AlarmWindows windows;

    OncePerWindow(String alarm, Duration window, AlarmWindows windows) {
        this.alarm = alarm;
        this.window = window;
        this.windows = windows;
    }

    /** The start of the window if this occurrence is the first for its key in it (the window then opens), else empty. */
    Uni<Optional<Instant>> first(String key) {
        return windows.occurred(alarm + ":" + key, window)
                .map(count -> count.value() == 1 ? Optional.of(count.windowStart()) : Optional.empty());
    }
}
