package dev.conversationworker.pipeline;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.errors.RetriableException;

import io.vertx.core.VertxException;

import dev.conversationworker.ingest.InvalidEventException;

/**
 * Tells failures that pass by themselves (Redis or Kafka away, a full queue) from the rest. Transient failures are
 * retried without end and never dead-letter a healthy event; anything else is a bug or poison and is retried only a
 * few times.
 */
public final class TransientFailures {

    /** Redis error prefixes that mean "try again later". */
    private static final Set<String> REDIS_TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
            "MASTERDOWN", "READONLY", "MOVED", "ASK");

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidEventException) {
                return false; // poison, whatever its cause (a JSON parser's IOException, say)
            }
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
                    || t instanceof RejectedExecutionException || t instanceof VertxException
                    || t instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && REDIS_TRANSIENT.stream().anyMatch(message::startsWith)) {
                return true;
            }
        }
        return false;
    }
}
