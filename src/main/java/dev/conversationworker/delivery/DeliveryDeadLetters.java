package dev.conversationworker.delivery;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.DeadLetterHeaders;
import dev.conversationworker.support.LogSafe;

/**
 * Writes a notification that cannot be delivered to {@code oncall-notifications-dlq}: one Google rejected (400),
 * one that failed every attempt while its space answered, one its space's full backlog could not take. Its key,
 * body and headers, and {@code dead-letter-*} headers with the space's name, Google's status and error message (when
 * there was an answer), the reason, and where it came from. Never the webhook URL.
 */
@ApplicationScoped
class DeliveryDeadLetters {

    static final String CHANNEL = "delivery-dead-letters";

    /** Attempts to write one dead letter before it is given up (CW0718). */
    static final int ATTEMPTS = 3;

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    MutinyEmitter<String> emitter;

    @Inject
    DeliveryConfig config;

    @Inject
    DeliveryMetrics metrics;

    /**
     * Writes the dead letter, trying {@value #ATTEMPTS} times with a backoff; then gives it up loudly (an ERROR line
     * with its dedupe-key, origin and reason, CW0718, and {@code cw_delivery_dead_letters_failed_total}), so that a
     * missing dead-letter topic holds no space for ever. Never fails.
     */
    Uni<Void> writeOrGiveUp(Pending pending, String space, int status, String reason, String googleMessage) {
        return attempt(pending, space, status, reason, googleMessage, 1);
    }

    private Uni<Void> attempt(Pending pending, String space, int status, String reason, String googleMessage,
            int attempt) {
        return Uni.createFrom().deferred(() -> write(pending, space, status, reason, googleMessage))
                .invoke(() -> metrics.deadLettered(space))
                .onFailure().recoverWithUni(failure -> {
                    String why = LogSafe.oneLine(String.valueOf(failure.getMessage()));
                    if (attempt >= ATTEMPTS) {
                        metrics.deadLetterFailed(space);
                        Origin origin = pending.origin();
                        DeliveryLog.LOG.deadLetterGivenUp(space, attempt, why, LogSafe.oneLine(pending.dedupeKey()),
                                origin.topic(), origin.partition(), origin.offset(), reason);
                        return Uni.createFrom().voidItem();
                    }
                    DeliveryLog.LOG.deadLetterFailed(space, why);
                    Duration pause = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff()).after(attempt);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause.isZero()
                            ? Duration.ofMillis(1)
                            : pause).chain(() -> attempt(pending, space, status, reason, googleMessage, attempt + 1));
                });
    }

    /**
     * Completes once Kafka has the dead letter.
     *
     * @param status Google's last HTTP status, or 0 when there was none
     * @param googleMessage Google's error message, or ""
     */
    private Uni<Void> write(Pending pending, String space, int status, String reason, String googleMessage) {
        Origin origin = pending.origin();
        DeadLetterHeaders letter = DeadLetterHeaders.keeping(origin.headers()).add("topic", origin.topic())
                .add("partition", Integer.toString(origin.partition())).add("offset", Long.toString(origin.offset()))
                .add("space", space).add("reason", reason).add("google-message", googleMessage);
        if (status > 0) {
            letter.add("status", Integer.toString(status));
        }
        RecordHeaders headers = letter.build();
        return emitter.sendMessage(Message.of(pending.body()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(pending.conversationId()).withHeaders(headers).build()));
    }
}
