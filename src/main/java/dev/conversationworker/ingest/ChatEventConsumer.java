package dev.conversationworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import dev.conversationworker.model.DeadLettered;
import dev.conversationworker.model.InvalidEventException;
import dev.conversationworker.ops.EventLogFields;
import dev.conversationworker.ops.MetricLabels.DeadLetterReason;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.TopicsConfig;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;

/**
 * The door from Kafka. Each record is handed to the dispatcher under its ordering key and acknowledged once the
 * pipeline says its effects are durable; poison, and what keeps failing for no transient reason, is written to the
 * dead-letter topic with the reason in its headers ({@link DeadLetterWriter}) and then acknowledged. What could
 * not finish because the worker is stopping is left unacknowledged, for the next owner. The throttled commit strategy commits only up
 * to the first record not yet acknowledged, so nothing unfinished is skipped. In exactly-once mode a record is not
 * acknowledged but handed, with what it produced (its {@link Outbox}), to the {@link ExactlyOnceCommitter}, which
 * commits both in one transaction; records the last commit's map says finished are skipped.
 */
@ApplicationScoped
public class ChatEventConsumer {

    public static final String CHANNEL = "chat-events";

    @Inject
    ChatEventHandler pipeline;

    @Inject
    WorkerConfig config;

    @Inject
    WorkerMetrics metrics;

    @Inject
    Event<DeadLettered> deadLettered;

    @Inject
    DeadLetterWriter deadLetters;

    @Inject
    TopicsConfig topics;

    @Inject
    ExactlyOnceCommitter committer;

    private KeyedDispatcher dispatcher;
    private PartitionHandover handover;
    private boolean exactlyOnce;
    /** Exactly-once mode: how far past its first unfinished record a partition is read (the map must fit). */
    private long window;
    private volatile boolean stopping;

    @PostConstruct
    void init() {
        exactlyOnce = committer.enabled();
        handover = new PartitionHandover(exactlyOnce);
        if (exactlyOnce) {
            window = FinishedOffsets.spanThatAlwaysFits(config.offsetMetadataMaxBytes());
            committer.start(handover);
        }
        dispatcher = new KeyedDispatcher(config.maxInFlight(), config.maxInFlightBytes().asLongValue());
        metrics.gauge(WorkerMetrics.Gauge.EVENTS_IN_FLIGHT, dispatcher::inFlight);
        metrics.gauge(WorkerMetrics.Gauge.EVENTS_IN_FLIGHT_PEAK, dispatcher::peakInFlight);
        metrics.gauge(WorkerMetrics.Gauge.EVENT_BYTES_IN_FLIGHT, dispatcher::inFlightBytes);
        metrics.gauge(WorkerMetrics.Gauge.EVENT_BYTES_IN_FLIGHT_PEAK, dispatcher::peakInFlightBytes);
        metrics.gauge(WorkerMetrics.Gauge.CONVERSATIONS_IN_FLIGHT, dispatcher::activeKeys);
    }

    /**
     * SIGTERM: stop taking records (the consumer pauses), let what is in flight finish within the shutdown
     * timeout, then stop retrying. SmallRye closes the consumer afterwards and commits what was acknowledged.
     */
    void drain(@Observes ShutdownEvent event) throws InterruptedException {
        dispatcher.closeAdmission();
        stopping = true;
        int inFlight = dispatcher.inFlight();
        boolean idle = dispatcher.awaitIdle(config.shutdownTimeout());
        IngestLog.LOG.stopping(inFlight, idle
                ? "all finished"
                : dispatcher.inFlight() + " left unacknowledged after " + config.shutdownTimeout().toMillis()
                        + " ms; they will be redelivered");
        pipeline.stop();
        if (exactlyOnce) {
            committer.stop(ChatEventsRebalanceListener.COMMIT_TIMEOUT); // before SmallRye closes the consumer
        }
    }

    @Incoming(CHANNEL)
    public Uni<Void> onRecord(Message<byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        PartitionHandover.Ticket ticket = handover.received(kafka.getTopic(), kafka.getPartition(),
                kafka.getOffset());
        if (ticket == null) {
            return Uni.createFrom().voidItem(); // its partition moved to another instance, which reads it again
        }
        if (ticket.finished()) {
            return Uni.createFrom().completionStage(record.ack()); // committed as finished, in the last map
        }
        long bytes = (record.getPayload() == null ? 0 : record.getPayload().length)
                + (kafka.getKey() == null ? 0 : ((byte[]) kafka.getKey()).length);
        Uni<Void> admitted = exactlyOnce ? handover.windowFor(ticket, window) : Uni.createFrom().voidItem();
        return admitted.chain(() -> dispatcher.submit(orderingKey(kafka), bytes, freeSlot -> {
            if (!handover.start(ticket)) {
                return Uni.createFrom().voidItem(); // moved while it waited behind its conversation: not ours now
            }
            // Exactly once: the conversation's next event waits until what this one published is committed and
            // marked published (an event redelivered upstream must find the mark); neither the partition's
            // hand-over nor the in-flight bound does: the event ended when its outbox joined the transaction.
            return handle(record, kafka, ticket).onTermination().invoke(() -> handover.ended(ticket))
                    .chain(handed -> {
                        if (handed == null || handed.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        freeSlot.run();
                        return handed.whenCommitted().onFailure().recoverWithNull();
                    });
        }));
    }

    boolean exactlyOnce() {
        return exactlyOnce;
    }

    ExactlyOnceCommitter committer() {
        return committer;
    }

    PartitionHandover handover() {
        return handover;
    }

    /** SIGTERM has come: the drain has run (or runs). */
    boolean stopping() {
        return stopping;
    }

    /**
     * Runs work about a conversation (an idle analysis) in the order of its events: behind the events of that
     * conversation in flight here, ahead of those that come after, and under the same in-flight bound. Completes
     * when the work is done; never, if the worker stops admitting before it was admitted.
     *
     * @param partition the input partition the conversation's events come from
     */
    public Uni<Void> runInOrder(String conversationId, int partition, Supplier<Uni<Void>> work) {
        byte[] key = conversationId.getBytes(StandardCharsets.UTF_8);
        String orderingKey = orderingKey(topics.input(), partition, key);
        return Uni.createFrom().emitter(done -> dispatcher.submit(orderingKey, 0,
                () -> Uni.createFrom().deferred(work::get).onItemOrFailure().invoke((ok, failure) -> {
                    if (failure == null) {
                        done.complete(null);
                    } else {
                        done.fail(failure);
                    }
                }).onFailure().recoverWithNull().replaceWithVoid())
                .subscribe().with(admitted -> {
                }, done::fail));
    }

    private String orderingKey(IncomingKafkaRecordMetadata<?, ?> kafka) {
        return orderingKey(kafka.getTopic(), kafka.getPartition(), (byte[]) kafka.getKey());
    }

    private String orderingKey(String topic, int partitionNumber, byte[] key) {
        String partition = topic + "/" + partitionNumber;
        if (config.ordering() == WorkerConfig.Ordering.PARTITION || key == null) {
            return partition;
        }
        // ISO-8859-1 maps every byte to one char, so any key bytes give a distinct string.
        return partition + "/" + new String(key, StandardCharsets.ISO_8859_1);
    }

    /** @return exactly once: the outbox handed to the committer (null: none, or at least once) */
    private Uni<Outbox> handle(Message<byte[]> record, IncomingKafkaRecordMetadata<?, ?> kafka,
            PartitionHandover.Ticket ticket) {
        String where = where(kafka);
        Context trace = Traces.of(record);
        // Each attempt stages into an outbox of its own: what a failed attempt staged is never sent.
        AtomicReference<Outbox> outbox = new AtomicReference<>();
        return Uni.createFrom().deferred(() -> {
            outbox.set(exactlyOnce ? new Outbox() : null);
            return pipeline.process((byte[]) kafka.getKey(), record.getPayload(), kafka.getPartition(),
                    kafka.getOffset(), trace, outbox.get());
        })
                .onFailure(ChatEventConsumer::isUnexpected)
                .invoke(failure -> log(kafka, () -> IngestLog.LOG.unexpectedFailure(where, failure)))
                .onFailure(ChatEventConsumer::isUnexpected).retry()
                .atMost(Math.max(0, config.maxUnexpectedAttempts() - 1))
                .onItemOrFailure()
                .transformToUni((done, failure) -> settle(record, kafka, ticket, failure, trace, outbox.get()))
                .onFailure()
                .invoke(failure -> log(kafka,
                        () -> IngestLog.LOG.leftForRedelivery(where, LogSafe.oneLine(String.valueOf(failure)))))
                .onFailure().recoverWithNull();
    }

    /** Acknowledges what is done, dead-letters poison and what keeps failing, leaves the rest for redelivery. */
    private Uni<Outbox> settle(Message<byte[]> record, IncomingKafkaRecordMetadata<?, ?> kafka,
            PartitionHandover.Ticket ticket, Throwable failure, Context trace, Outbox outbox) {
        if (failure == null) {
            if (exactlyOnce) {
                // Refused for good (an analysis too large for its topic): the record is dead-lettered instead.
                return hand(record, ticket, outbox.orElse(refusal -> {
                    metrics.deadLetter(DeadLetterReason.PROCESSING_FAILED);
                    return deadLetters.outbox(kafka, record.getPayload(), refusal, trace);
                }));
            }
            return acknowledge(record, ticket).replaceWith((Outbox) null);
        }
        String where = where(kafka);
        if (TransientFailures.isTransient(failure)) {
            // Only while stopping: the pipeline retries transient failures for as long as it runs.
            log(kafka, () -> IngestLog.LOG.leftForRedelivery(where, LogSafe.oneLine(String.valueOf(failure))));
            return Uni.createFrom().nullItem();
        }
        boolean invalid = failure instanceof InvalidEventException;
        if (invalid) {
            metrics.invalidEventIn();
        }
        metrics.deadLetter(invalid ? DeadLetterReason.INVALID : DeadLetterReason.PROCESSING_FAILED);
        deadLettered.fire(new DeadLettered(failure.getMessage()));
        log(kafka, () -> IngestLog.LOG.deadLettering(where, LogSafe.oneLine(failure.getMessage())));
        return deadLetter(record, kafka, ticket, failure, trace);
    }

    /** Exactly once: the outbox joins the open transaction with the record's offset; then acknowledged. */
    private Uni<Outbox> hand(Message<byte[]> record, PartitionHandover.Ticket ticket, Outbox outbox) {
        return committer.send(ticket, outbox).chain(() -> Uni.createFrom().completionStage(record.ack()))
                .replaceWith(outbox);
    }

    private Uni<Void> acknowledge(Message<byte[]> record, PartitionHandover.Ticket ticket) {
        handover.acknowledged(ticket);
        return Uni.createFrom().completionStage(record.ack());
    }

    private static String where(IncomingKafkaRecordMetadata<?, ?> kafka) {
        return kafka.getTopic() + "-" + kafka.getPartition() + "@" + kafka.getOffset();
    }

    /**
     * Writes the dead letter, then acknowledges the record. A write that fails (Kafka unavailable or refusing) is
     * retried with backoff for as long as the worker runs, never leaving the record neither acknowledged nor
     * retried; when stopping, it is left for redelivery.
     */
    private Uni<Outbox> deadLetter(Message<byte[]> record, IncomingKafkaRecordMetadata<?, ?> kafka,
            PartitionHandover.Ticket ticket, Throwable failure, Context trace) {
        if (exactlyOnce) {
            return hand(record, ticket, deadLetters.outbox(kafka, record.getPayload(), failure, trace));
        }
        String where = where(kafka);
        return Uni.createFrom().deferred(() -> deadLetters.write(kafka, record.getPayload(), failure, trace))
                .onFailure(writeFailure -> !stopping && TransientFailures.isTransient(writeFailure))
                .invoke(writeFailure -> {
                    metrics.transientRetry(Stage.DEAD_LETTER);
                    log(kafka, () -> IngestLog.LOG.deadLetterWriteFailed(where,
                            LogSafe.oneLine(String.valueOf(writeFailure))));
                })
                .onFailure(writeFailure -> !stopping && TransientFailures.isTransient(writeFailure)).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).withJitter(0.3).indefinitely()
                // Not writable at all (not even cut to its headers, or refused for good): said loudly, and then
                // acknowledged, since a retry would meet the same refusal and hold the partition for ever.
                .onFailure(writeFailure -> !stopping).recoverWithItem(writeFailure -> {
                    metrics.deadLetter(DeadLetterReason.UNWRITABLE);
                    log(kafka, () -> IngestLog.LOG.deadLetterUnwritable(where,
                            LogSafe.oneLine(String.valueOf(writeFailure))));
                    return null;
                })
                .chain(() -> acknowledge(record, ticket)).replaceWith((Outbox) null);
    }

    /** A line about a record names its conversation by the record's key (the contract: the conversation id). */
    private static void log(IncomingKafkaRecordMetadata<?, ?> kafka, Runnable line) {
        byte[] key = (byte[]) kafka.getKey();
        EventLogFields.log(key == null ? null : new String(key, StandardCharsets.UTF_8), null, line);
    }

    private static boolean isUnexpected(Throwable failure) {
        return !(failure instanceof InvalidEventException) && !TransientFailures.isTransient(failure);
    }
}
