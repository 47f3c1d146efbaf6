package dev.conversationworker.delivery;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conversationworker.http.HttpAnswer;
import dev.conversationworker.http.RetryAfter;
import dev.conversationworker.support.LogSafe;

/** Google's complete answer to one POST: the status, its {@code Retry-After} (or null) and the body. */
record WebhookReply(int status, String retryAfter, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static WebhookReply of(HttpAnswer answer) {
        return new WebhookReply(answer.status(), answer.header("Retry-After"), answer.body());
    }

    enum Verdict {
        /** Accepted: the message exists (created now, or earlier with the same requestId). */
        ACCEPTED,
        /** Over the space's quota (429): pause, slow down, send again. */
        THROTTLED,
        /** 5xx, 408: send again after a backoff. */
        RETRY,
        /** 401, 403, 404: the webhook is revoked or wrong; nothing is delivered to this space until it is fixed. */
        REFUSED,
        /** Any other 4xx (400 above all): this body is never accepted; it is dead-lettered. */
        REJECTED
    }

    Verdict verdict() {
        if (status >= 200 && status < 300) {
            return Verdict.ACCEPTED;
        }
        if (status == 429) {
            return Verdict.THROTTLED;
        }
        if (status >= 500 || status == 408 || status == 425) {
            return Verdict.RETRY;
        }
        if (status == 401 || status == 403 || status == 404) {
            return Verdict.REFUSED;
        }
        return Verdict.REJECTED;
    }

    /** Google's error message ({@code error.message}, else {@code error.status}), on one line, or "". */
    String errorMessage() {
        try {
            var error = JSON.readTree(body).path("error");
            String message = error.path("message").asText(error.path("status").asText(""));
            return LogSafe.oneLine(message);
        } catch (Exception unreadable) {
            return "";
        }
    }

    /** {@code Retry-After} in milliseconds (seconds or an HTTP date: {@link RetryAfter}); -1 when absent or bad. */
    long retryAfterMillis() {
        return RetryAfter.parse(retryAfter).map(Duration::toMillis).orElse(-1L);
    }
}
