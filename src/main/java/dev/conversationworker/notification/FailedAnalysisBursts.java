package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How on-call hears of failed analyses without a flood: the first {@code burst} of a window one by one, then one
 * summary ("analyses are failing"), then nothing until the next window. Per instance, in memory: a restart at most
 * repeats one burst.
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

    private final int burst;
    private final WindowedCounter failures;

    FailedAnalysisBursts(int burst, Duration window, Clock clock) {
        this.burst = burst;
        this.failures = new WindowedCounter(window, clock);
    }

    Decision failed() {
        WindowedCounter.Count count = failures.increment();
        if (count.value() <= burst) {
            return new Each();
        }
        return count.value() == burst + 1 ? new Summary(count.value(), count.windowStart()) : new Quiet();
    }
}
