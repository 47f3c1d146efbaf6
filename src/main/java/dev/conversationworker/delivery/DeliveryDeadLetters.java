package dev.conversationworker.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.support.KafkaHeaders;

/**
 * Writes a notification Google rejected (400) to {@code oncall-notifications-dlq}: its key, body and headers, and
 * {@code dead-letter-*} headers with the space's name, Google's status and error message, and where it came from.
 * Never the webhook URL.
 */
@ApplicationScoped
class DeliveryDeadLetters {

    static final String CHANNEL = "delivery-dead-letters";

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    MutinyEmitter<String> emitter;

    /** Completes once Kafka has the dead letter. */
    Uni<Void> write(Pending pending, String space, WebhookReply reply) {
        KafkaHeaders headers = new KafkaHeaders();
        RecordHeaders original = new RecordHeaders();
        pending.record().getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(kafka -> {
            if (kafka.getHeaders() != null) {
                for (Header header : kafka.getHeaders()) {
                    if (!header.key().startsWith("dead-letter-")) {
                        original.add(header);
                    }
                }
            }
            headers.add("dead-letter-topic", kafka.getTopic())
                    .add("dead-letter-partition", Integer.toString(kafka.getPartition()))
                    .add("dead-letter-offset", Long.toString(kafka.getOffset()));
        });
        String message = reply.errorMessage();
        headers.add("dead-letter-space", space).add("dead-letter-status", Integer.toString(reply.status()))
                .add("dead-letter-reason", "Google Chat rejected the message: HTTP " + reply.status()
                        + (message.isEmpty() ? "" : ": " + message))
                .add("dead-letter-google-message", message);
        headers.build().forEach(original::add);
        return emitter.sendMessage(Message.of(pending.body()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(pending.conversationId()).withHeaders(original).build()));
    }
}
