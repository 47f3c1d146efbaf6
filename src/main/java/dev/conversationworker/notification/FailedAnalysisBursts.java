package dev.conversationworker.notification;

import java.time.Duration;
import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * How on-call hears of failed analyses without a flood: the first {@code burst} of a window one by one, then one
 * summary ("analyses are failing"), then nothing until the next window. Counted in the given {@link AlarmWindows}:
 * for the whole fleet, so twelve instances failing together make one burst and one summary, not twelve.
 */
final class FailedAnalysisBursts {

    /** What to send for one more failed analysis. */
    sealed interface Decision {
    }

    /** Tell this one failure. */
    record Each() implements Decision {
    }

    /** Tell that {@code count} failed since {@code windowStart}, once. */
    record Summary(int count, Instant windowStart) implements Decision {
    }

    /** Say nothing more in this window. */
    record Quiet() implements Decision {
    }

    static final String ALARM = "analyses-failing";

    private final int burst;
    private final Duration window;
    private final AlarmWindows windows;

    FailedAnalysisBursts(int burst, Duration window, AlarmWindows windows) {
        this.burst = burst;
        this.window = window;
        this.windows = windows;
    }

    Uni<Decision> failed() {
        return windows.occurred(ALARM, window).map(this::decide);
    }

    private Decision decide(WindowedCounter.Count count) {
        if (count.value() <= burst) {
            return new Each();
        }
        return count.value() == burst + 1 ? new Summary(count.value(), count.windowStart()) : new Quiet();
    }
}
