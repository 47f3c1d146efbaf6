package dev.conversationworker.delivery;

import java.time.Duration;

/**
 * The pace of one space as this instance sees it: the allowed interval between two messages, stretched after each
 * 429 (×2, up to ×16) and eased back by 10% after each accepted message; and whether the backlog is long enough
 * to be merged into a digest. Not thread-safe: one space's deliverer uses it from one round at a time.
 */
final class Pace {

    private static final double MAX_SLOWDOWN = 16;

    private final Duration allowed;
    private final Duration maxDelay;
    private double slowdown = 1;

    Pace(double maxPerSecond, Duration maxDelay) {
        if (!(maxPerSecond > 0)) {
            throw new IllegalArgumentException("delivery.max-per-second must be above 0, got " + maxPerSecond);
        }
        this.allowed = Duration.ofNanos((long) (1_000_000_000L / maxPerSecond));
        this.maxDelay = maxDelay;
    }

    /** The interval between two messages now: the allowed one, stretched while Google pushes back. */
    Duration interval() {
        return Duration.ofNanos((long) (allowed.toNanos() * slowdown));
    }

    /** Whether {@code waiting} messages would take longer than {@code delivery.max-delay} one by one. */
    boolean digestNow(int waiting) {
        return waiting > 1 && interval().multipliedBy(waiting).compareTo(maxDelay) > 0;
    }

    void throttled() {
        slowdown = Math.min(MAX_SLOWDOWN, slowdown * 2);
    }

    void accepted() {
        slowdown = Math.max(1, slowdown * 0.9);
    }

    double slowdown() {
        return slowdown;
    }
}
