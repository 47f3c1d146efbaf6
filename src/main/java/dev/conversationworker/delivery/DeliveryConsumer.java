package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import dev.conversationworker.model.Severity;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;
import dev.conversationworker.support.UntilDone;

/**
 * The door from the notifications topic, in a consumer group of its own. Each record is routed to its space by its
 * {@code severity} and {@code kind} headers and parked in the space's queue in Redis ({@link SpaceQueues}), then
 * acknowledged: the committed offset never waits for a space, whichever space is stuck, and the partition's owner
 * holds nothing in memory, so a rebalance moves no work. A record whose dedupe-key was settled within the window,
 * or waits already, is acknowledged without a second entry. One that its space's full backlog cannot take is
 * dead-lettered with the reason. The space's lease holder, on whichever instance, delivers what is parked.
 * The channel exists only with {@code delivery.enabled=true}.
 */
@ApplicationScoped
public class DeliveryConsumer {

    public static final String CHANNEL = "notification-delivery";

    private volatile boolean stopping;

    @Inject
    Deliveries deliveries;

    @Inject
    SpaceQueues queues;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    DeliveryDeadLetters deadLetters;

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
        List<Header> kept = new ArrayList<>();
        if (headers != null) {
            headers.forEach(kept::add);
        }
        Pending pending = new Pending(new Origin(kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), kept),
                body, dedupeKey == null ? RequestIds.dedupeKeyOf(body) : dedupeKey,
                severityName == null ? Severity.NONE : Severity.fromWire(severityName).orElse(Severity.NONE),
                kind == null ? "" : kind, kafka.getKey() == null ? null : String.valueOf(kafka.getKey()),
                kafka.getTimestamp() == null ? Instant.now() : kafka.getTimestamp(), 0, 0, false, null);
        SpaceDeliverer space = deliveries.deliverer(severityName, kind);
        Backoff backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        return UntilDone.run(() -> queues.park(space.name(), pending), TransientFailures::isTransient,
                failure -> DeliveryLog.LOG.redisFailed(space.name(),
                        LogSafe.oneLine(String.valueOf(failure.getMessage())), backoff.max().toMillis()),
                backoff)
                .onItemOrFailure().transformToUni((parked, failure) -> {
                    if (failure != null && stopping) {
                        // The worker stops (its Redis client may be closed already): not parked, not blamed, left
                        // unacknowledged for the partition's next owner.
                        return Uni.createFrom().item(false);
                    }
                    Uni<Void> settled;
                    if (failure != null) {
                        String reason = LogSafe.oneLine(String.valueOf(failure.getMessage()));
                        DeliveryLog.LOG.notParked(space.name(), reason, LogSafe.oneLine(pending.dedupeKey()));
                        settled = deadLetters.writeOrGiveUp(pending, space.name(), 0,
                                "Could not be parked for delivery: " + reason, "");
                    } else {
                        settled = switch (parked) {
                            case PARKED -> Uni.createFrom().voidItem().invoke(space::wake);
                            case QUEUED, SETTLED -> Uni.createFrom().voidItem()
                                    .invoke(() -> metrics.duplicate(space.name(), 1));
                            case FULL -> full(space, pending);
                        };
                    }
                    return settled.replaceWith(true);
                })
                .chain(acknowledge -> acknowledge
                        ? Uni.createFrom().completionStage(record.ack())
                        : Uni.createFrom().voidItem());
    }

    /** SIGTERM, before anything closes: from now on a record that cannot be parked is left for redelivery. */
    void stopping(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    private Uni<Void> full(SpaceDeliverer space, Pending pending) {
        DeliveryLog.LOG.backlogFull(space.name(), config.maxParked(), config.maxParkedBytes().asLongValue(),
                LogSafe.oneLine(pending.dedupeKey()));
        return deadLetters.writeOrGiveUp(pending, space.name(), 0, "The backlog of space " + space.name()
                + " is full (delivery.max-parked " + config.maxParked() + ", delivery.max-parked-bytes "
                + config.maxParkedBytes().asLongValue() + "): the space delivers nothing (see its readiness and "
                + "cw_delivery_oldest_undelivered_seconds)", "");
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
