package dev.conversationworker.support;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

import com.fasterxml.jackson.core.JacksonException;

import io.vertx.core.VertxException;
import io.vertx.redis.client.impl.types.ErrorType;

import dev.conversationworker.model.InvalidEventException;

/**
 * Tells failures by where they come from. The infrastructure being unavailable or refusing (Redis or Kafka away,
 * Redis out of memory or without replicas, a rejected password or ACL, Kafka authorization) is transient: retried
 * without end, while readiness says so, and never dead-letters a healthy event. Our own data being unreadable (a
 * JSON error, a Redis key of the wrong type) or a bug is not: a retry would meet the same bytes, so it is retried
 * only a few times.
 */
public final class TransientFailures {

    /** Redis error codes that say Redis is unavailable or refusing, when a reply reaches us wrapped as text. */
    private static final Set<String> REDIS_TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
            "MASTERDOWN", "READONLY", "MOVED", "ASK", "OOM", "NOREPLICAS", "MISCONF", "NOAUTH", "NOPERM",
            "WRONGPASS");
    /** Redis error replies that mean our command or our data is wrong, not that Redis is unavailable. */
    private static final Set<String> REDIS_NOT_TRANSIENT = Set.of("WRONGTYPE", "EXECABORT", "NOSCRIPT");

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException || t instanceof JacksonException) {
                return false; // poison or unreadable data, whatever its cause (a JSON parser's IOException, say)
            }
            if (t instanceof ErrorType redisError) {
                return isTransientRedisError(redisError.getMessage());
            }
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
                    || t instanceof AuthorizationException || t instanceof AuthenticationException
                    || t instanceof RejectedExecutionException || t instanceof VertxException
                    || t instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && REDIS_TRANSIENT.contains(code(message))) {
                return true;
            }
        }
        return false;
    }

    private static String code(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    /**
     * A Redis error reply: transient (LOADING, BUSY, OOM, NOREPLICAS, MISCONF, NOAUTH, NOPERM, READONLY, MOVED,
     * CLUSTERDOWN, …, and "ERR max number of clients"), unless it says that the command or the data is wrong
     * (WRONGTYPE, a script error and other plain ERR replies).
     */
    static boolean isTransientRedisError(String message) {
        if (message == null || message.isBlank()) {
            return false;
        }
        String code = code(message);
        if (code.equals("ERR")) {
            return message.startsWith("ERR max number of clients");
        }
        return !REDIS_NOT_TRANSIENT.contains(code);
    }
}
