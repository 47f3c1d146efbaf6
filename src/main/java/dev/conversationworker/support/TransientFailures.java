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

    /**
     * Redis error codes that say Redis is unavailable or refusing for a while: loading its data, busy with a script,
     * out of memory, without replicas or a master, failing over (a replica is read-only), resharding (MOVED, ASK
     * and TRYAGAIN reach us only if the client did not follow them), or refusing our password or ACL (an operator
     * fixes it; healthy events must not be dead-lettered meanwhile). Any other code (CROSSSLOT, WRONGTYPE,
     * NOSCRIPT, EXECABORT, one that Redis adds later) says that our command or our data is wrong: a bug, which a
     * retry would meet again.
     */
    private static final Set<String> REDIS_TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
            "MASTERDOWN", "READONLY", "MOVED", "ASK", "OOM", "NOREPLICAS", "MISCONF", "NOAUTH", "NOPERM",
            "WRONGPASS");
    /** How Redis 6 reports a refusal met inside a script: {@code ERR Error running script (…): … -OOM …}. */
    private static final String SCRIPT_ERROR = "ERR Error running script";

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
            if (isTransientRedisError(t.getMessage())) {
                return true; // a Redis error reply that reaches us wrapped as text
            }
        }
        return false;
    }

    private static String code(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    /**
     * A Redis error reply: transient when its code says Redis is unavailable or refusing ({@link #REDIS_TRANSIENT},
     * and "ERR max number of clients"), also when a script met such a refusal; otherwise our command or our data is
     * wrong (a plain ERR, a script error, WRONGTYPE, CROSSSLOT, a code we do not know).
     */
    static boolean isTransientRedisError(String message) {
        if (message == null || message.isBlank()) {
            return false;
        }
        String code = code(message);
        if (code.equals("ERR")) {
            if (message.startsWith(SCRIPT_ERROR)) {
                int refusal = message.indexOf(": -");
                return refusal > 0 && REDIS_TRANSIENT.contains(code(message.substring(refusal + 3)));
            }
            return message.startsWith("ERR max number of clients");
        }
        return REDIS_TRANSIENT.contains(code);
    }
}
