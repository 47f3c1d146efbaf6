package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Lets one occurrence per key through per window (an alarm per LLM endpoint per 10 minutes, say). Thread-safe. */
final class OncePerWindow<K> {

    private final Duration window;
    private final Clock clock;
    private final Map<K, Instant> last = new ConcurrentHashMap<>();

    OncePerWindow(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** Whether this occurrence is the first for its key in the window (which then starts now). */
    boolean first(K key) {
        Instant now = clock.instant();
        boolean[] first = {false};
        last.compute(key, (k, previous) -> {
            if (previous != null && previous.plus(window).isAfter(now)) {
                return previous;
            }
            first[0] = true;
            return now;
        });
        return first[0];
    }
}
