package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import dev.conversationworker.model.Severity;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;

/**
 * The door from the notifications topic, in a consumer group of its own. Each record is routed to its space by its
 * {@code severity} and {@code kind} headers; one whose {@code dedupe-key} was delivered within the window is
 * acknowledged at once; the others wait in their space's deliverer, unacknowledged until Google accepted them, each
 * carrying the message begun for it before, if one was and is not settled (see {@link SendingUnits}).
 * The channel exists only with {@code delivery.enabled=true}.
 */
@ApplicationScoped
public class DeliveryConsumer {

    public static final String CHANNEL = "notification-delivery";

    @Inject
    Deliveries deliveries;

    @Inject
    DeliveredKeys delivered;

    @Inject
    SendingUnits units;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    DeliveryConfig config;

    @Incoming(CHANNEL)
    public Uni<Void> onRecord(Message<String> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        Headers headers = kafka.getHeaders();
        String body = record.getPayload() == null ? "" : record.getPayload();
        String dedupeKey = header(headers, "dedupe-key");
        String kind = header(headers, "kind");
        String severityName = header(headers, "severity");
        Pending pending = new Pending(record, body, dedupeKey == null ? RequestIds.dedupeKeyOf(body) : dedupeKey,
                severityName == null ? Severity.NONE : Severity.fromWire(severityName).orElse(Severity.NONE),
                kind == null ? "" : kind, kafka.getKey() == null ? null : String.valueOf(kafka.getKey()),
                kafka.getTimestamp() == null ? Instant.now() : kafka.getTimestamp(), false, null);
        SpaceDeliverer space = deliveries.deliverer(severityName, kind);
        Backoff backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        return deliveries.admit().chain(() -> Uni.createFrom()
                .deferred(() -> lookUp(space, pending))
                .onFailure().invoke(failure -> DeliveryLog.LOG.redisFailed(space.name(),
                        LogSafe.oneLine(String.valueOf(failure.getMessage())), backoff.max().toMillis()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).withJitter(0.5).indefinitely()
                .chain(toSend -> {
                    if (toSend != null) {
                        space.add(toSend);
                        return Uni.createFrom().voidItem();
                    }
                    metrics.duplicate(space.name(), 1);
                    return Uni.createFrom().completionStage(record.ack())
                            .eventually(() -> deliveries.settled(1));
                }));
    }

    /**
     * The record as it is to be sent: carrying the message begun for it and not settled, when there is one (its
     * holder may have died during the POST, after Google created it); null when it was delivered.
     */
    private Uni<Pending> lookUp(SpaceDeliverer space, Pending pending) {
        return delivered.delivered(List.of(pending.dedupeKey())).chain(done -> done.isEmpty()
                ? units.find(space.name(), pending.dedupeKey())
                        .map(unit -> unit == null ? pending : pending.resuming(unit))
                : Uni.createFrom().nullItem());
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
