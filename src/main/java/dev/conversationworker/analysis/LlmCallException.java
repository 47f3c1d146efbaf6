package dev.conversationworker.analysis;

import java.time.Duration;

/** One attempt at an LLM endpoint failed; {@link #retryable()} says whether another attempt may help. */
public class LlmCallException extends RuntimeException {

    private final boolean retryable;
    private final boolean needsOperator;
    private final Duration retryAfter;
    private boolean overloaded;
    private boolean circuitOpen;

    LlmCallException(String message, boolean retryable, Duration retryAfter) {
        this(message, retryable, false, retryAfter);
    }

    private LlmCallException(String message, boolean retryable, boolean needsOperator, Duration retryAfter) {
        super(message, null, true, false);
        this.retryable = retryable;
        this.needsOperator = needsOperator;
        this.retryAfter = retryAfter;
    }

    /** Not retried, and no retry will help until someone acts: a rejected key, an exhausted quota. */
    static LlmCallException needsOperator(String message) {
        return new LlmCallException(message, false, true, null);
    }

    public boolean needsOperator() {
        return needsOperator;
    }

    static LlmCallException retryable(String message, Duration retryAfter) {
        return new LlmCallException(message, true, retryAfter);
    }

    /** The endpoint answered 429: it is up, but wants fewer calls. */
    static LlmCallException overloaded(String message, Duration retryAfter) {
        LlmCallException e = new LlmCallException(message, true, retryAfter);
        e.overloaded = true;
        return e;
    }

    /** A 429: the endpoint is up (it answered), so this does not count towards opening its circuit. */
    public boolean overloaded() {
        return overloaded;
    }

    /** Not called at all: the endpoint's circuit is open. */
    static LlmCallException circuitOpen(String message) {
        LlmCallException e = new LlmCallException(message, false, null);
        e.circuitOpen = true;
        return e;
    }

    public boolean circuitOpen() {
        return circuitOpen;
    }

    /** The endpoint could not give an answer now, but may later: down, overloaded, circuit open, or waiting for an
     * operator. Not so for other 4xx answers (the request itself is wrong). */
    public boolean unreachable() {
        return retryable || needsOperator || circuitOpen;
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
