package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops hammering an endpoint that is down: after {@code threshold} failed attempts in a row it opens, and calls fail
 * at once (so the fallback answers at once); after {@code openFor} one probe may go, and its success closes it.
 * <p>
 * Our own rather than SmallRye Fault Tolerance's: the attempts it guards are raced by {@link HedgedCall}, and the
 * loser's HTTP request must be aborted. With Fault Tolerance 6.10.1 (Quarkus 3.33), cancelling a guarded
 * {@code Uni} does not reach the guarded action (measured: docs/decisions.md), so every lost hedge would run to
 * its end; and a cancelled attempt must count as neither success nor failure here ({@link #abandoned()}).
 */
final class CircuitBreaker {

    enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    private final int threshold;
    private final long openForNanos;
    private final LongSupplier nanoTime;
    // Guarded by this.
    private int failuresInARow;
    private long openUntil;
    private boolean open;
    private boolean probing;

    CircuitBreaker(int threshold, Duration openFor, LongSupplier nanoTime) {
        this.threshold = Math.max(1, threshold);
        this.openForNanos = openFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether an attempt may go now; in the half-open state only one (the probe) may. */
    synchronized boolean tryAcquire() {
        if (!open) {
            return true;
        }
        if (nanoTime.getAsLong() - openUntil < 0 || probing) {
            return false;
        }
        probing = true;
        return true;
    }

    synchronized void succeeded() {
        failuresInARow = 0;
        open = false;
        probing = false;
    }

    /** @return whether this failure opened the circuit (it was closed before) */
    synchronized boolean failed() {
        probing = false;
        boolean wasOpen = open;
        if (++failuresInARow >= threshold) {
            open = true;
            openUntil = nanoTime.getAsLong() + openForNanos;
        }
        return open && !wasOpen;
    }

    /** The attempt ended without a verdict (cancelled: its hedge lost); a probe may go again. */
    synchronized void abandoned() {
        probing = false;
    }

    synchronized State state() {
        if (!open) {
            return State.CLOSED;
        }
        return nanoTime.getAsLong() - openUntil < 0 ? State.OPEN : State.HALF_OPEN;
    }

    synchronized int failuresInARow() {
        return failuresInARow;
    }
}
