package dev.conversationworker.analysis;

import java.time.Duration;

/** One attempt at an LLM endpoint failed, of a {@link Kind} fixed when it is made. */
public class LlmCallException extends RuntimeException {

    /** Why an attempt failed, which decides what happens next. */
    public enum Kind {
        /** Down or failing (5xx, 408, 409, I/O, timeout): retried with backoff; counts towards opening the circuit. */
        UNAVAILABLE,
        /** A 429: the endpoint is up but wants fewer calls: retried, never counted towards opening the circuit. */
        OVERLOADED,
        /** Not called at all: the endpoint's circuit is open. */
        CIRCUIT_OPEN,
        /** Not retried, and no retry will help until someone acts: a rejected key, an exhausted quota. */
        NEEDS_OPERATOR,
        /** Any other 4xx: the request itself is wrong; not retried. */
        PERMANENT,
        /** Not called at all: the fleet's token budget has no room for its worst case now; not retried. */
        BUDGET_SPENT
    }

    private final Kind kind;
    private final Duration retryAfter;

    LlmCallException(String message, Kind kind, Duration retryAfter) {
        super(message, null, true, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    static LlmCallException needsOperator(String message) {
        return new LlmCallException(message, Kind.NEEDS_OPERATOR, null);
    }

    static LlmCallException retryable(String message, Duration retryAfter) {
        return new LlmCallException(message, Kind.UNAVAILABLE, retryAfter);
    }

    static LlmCallException overloaded(String message, Duration retryAfter) {
        return new LlmCallException(message, Kind.OVERLOADED, retryAfter);
    }

    static LlmCallException circuitOpen(String message) {
        return new LlmCallException(message, Kind.CIRCUIT_OPEN, null);
    }

    static LlmCallException budgetSpent(String message) {
        return new LlmCallException(message, Kind.BUDGET_SPENT, null);
    }

    static LlmCallException permanent(String message) {
        return new LlmCallException(message, Kind.PERMANENT, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean needsOperator() {
        return kind == Kind.NEEDS_OPERATOR;
    }

    public boolean overloaded() {
        return kind == Kind.OVERLOADED;
    }

    public boolean circuitOpen() {
        return kind == Kind.CIRCUIT_OPEN;
    }

    public boolean budgetSpent() {
        return kind == Kind.BUDGET_SPENT;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE || kind == Kind.OVERLOADED;
    }

    /** The endpoint could not give an answer now, but may later: down, overloaded, circuit open, waiting for an
     * operator or for budget. Not so for other 4xx answers (the request itself is wrong). */
    public boolean unreachable() {
        return kind != Kind.PERMANENT;
    }

    /** What the server asked for in {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
