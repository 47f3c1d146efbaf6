package dev.conversationworker.delivery;

import dev.conversationworker.http.AnswerTooLargeException;

/**
 * A POST that got no complete answer (connection refused or reset, timeout, an answer over the cap). Its message
 * names the kind of failure only: the HTTP client's own messages can quote the request URI, and with it the
 * webhook's key and token.
 */
final class WebhookUnreachable extends RuntimeException {

    WebhookUnreachable(Throwable cause) {
        super(kind(cause), null, false, false);
    }

    private static String kind(Throwable cause) {
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        if (cause instanceof AnswerTooLargeException tooLarge) {
            return "answer larger than " + tooLarge.maxBytes() + " bytes";
        }
        return "I/O failure (" + cause.getClass().getSimpleName() + ")";
    }
}
