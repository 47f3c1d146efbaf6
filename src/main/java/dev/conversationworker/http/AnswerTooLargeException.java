package dev.conversationworker.http;

/** An answer body over the transport's cap: refused, its request reset. */
public final class AnswerTooLargeException extends RuntimeException {

    private final long maxBytes;

    AnswerTooLargeException(long maxBytes) {
        super("answer larger than " + maxBytes + " bytes", null, false, false);
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
