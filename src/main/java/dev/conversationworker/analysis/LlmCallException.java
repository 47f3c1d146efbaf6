package dev.conversationworker.analysis;

import java.time.Duration;

/** One attempt at an LLM endpoint failed; {@link #retryable()} says whether another attempt may help. */
public class LlmCallException extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;

    LlmCallException(String message, boolean retryable, Duration retryAfter) {
        super(message, null, true, false);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    static LlmCallException retryable(String message, Duration retryAfter) {
        return new LlmCallException(message, true, retryAfter);
    }

    static LlmCallException permanent(String message) {
        return new LlmCallException(message, false, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the server asked for in {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
