package dev.conversationworker.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, for the retries we schedule ourselves (an LLM attempt, a waiting analysis, a
 * pipeline step: {@link UntilDone}). The pause after the n-th failed attempt is a
 * random point in the upper half of {@code min(max, initial × 2^(n-1))}: growing, capped, and spread, so that a
 * crowd of callers that failed together does not come back together.
 */
public record Backoff(Duration initial, Duration max) {

    public Duration after(int failedAttempts) {
        long ceiling = Math.max(1, Math.min(max.toMillis(),
                initial.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 20)));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }
}
