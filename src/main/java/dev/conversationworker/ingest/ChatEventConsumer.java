package dev.conversationworker.ingest;

import java.nio.charset.StandardCharsets;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.pipeline.ConversationPipeline;
import dev.conversationworker.pipeline.WorkerConfig;

/**
 * The door from Kafka. Each record is handed to the dispatcher under its ordering key and acknowledged once the
 * pipeline says its effects are durable; poison, and what keeps failing for no transient reason, is nacked, which
 * sends it to the dead-letter topic with the reason in its headers. The throttled commit strategy commits only up
 * to the first record not yet acknowledged, so nothing unfinished is skipped.
 */
@ApplicationScoped
public class ChatEventConsumer {

    public static final String CHANNEL = "chat-events";
    private static final Logger LOG = Logger.getLogger(ChatEventConsumer.class);

    @Inject
    ConversationPipeline pipeline;

    @Inject
    WorkerConfig config;

    @Inject
    WorkerMetrics metrics;

    private KeyedDispatcher dispatcher;

    @PostConstruct
    void init() {
        dispatcher = new KeyedDispatcher(config.maxInFlight());
        metrics.gauge("cw.events.in.flight", "Events admitted and not yet finished", dispatcher::inFlight);
        metrics.gauge("cw.events.in.flight.peak", "Most events ever in flight at once", dispatcher::peakInFlight);
        metrics.gauge("cw.conversations.in.flight", "Ordering keys with work in flight", dispatcher::activeKeys);
    }

    @Incoming(CHANNEL)
    public Uni<Void> onRecord(Message<byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        return dispatcher.submit(orderingKey(kafka), () -> handle(record, kafka));
    }

    private String orderingKey(IncomingKafkaRecordMetadata<?, ?> kafka) {
        String partition = kafka.getTopic() + "/" + kafka.getPartition();
        if (config.ordering() == WorkerConfig.Ordering.partition || kafka.getKey() == null) {
            return partition;
        }
        // ISO-8859-1 maps every byte to one char, so any key bytes give a distinct string.
        return partition + "/" + new String((byte[]) kafka.getKey(), StandardCharsets.ISO_8859_1);
    }

    private Uni<Void> handle(Message<byte[]> record, IncomingKafkaRecordMetadata<?, ?> kafka) {
        return pipeline.process(record.getPayload())
                .onFailure(failure -> !(failure instanceof InvalidEventException)).invoke(failure -> LOG.errorf(
                        failure, "CW-INGEST-002 Unexpected failure on %s-%d@%d", kafka.getTopic(),
                        kafka.getPartition(), kafka.getOffset()))
                .onFailure(failure -> !(failure instanceof InvalidEventException)).retry()
                .atMost(Math.max(0, config.maxUnexpectedAttempts() - 1))
                .onItemOrFailure().transformToUni((done, failure) -> {
                    if (failure == null) {
                        return Uni.createFrom().completionStage(record.ack());
                    }
                    boolean invalid = failure instanceof InvalidEventException;
                    Throwable reason = invalid
                            ? failure
                            : new InvalidEventException("processing failed " + config.maxUnexpectedAttempts()
                                    + " times: " + failure, failure);
                    if (invalid) {
                        metrics.eventIn("invalid");
                    }
                    metrics.deadLetter(invalid ? "invalid" : "processing-failed");
                    LOG.warnf("CW-INGEST-001 Dead-lettering %s-%d@%d: %s", kafka.getTopic(), kafka.getPartition(),
                            kafka.getOffset(), reason.getMessage());
                    return Uni.createFrom().completionStage(record.nack(reason));
                })
                .onFailure().invoke(failure -> LOG.errorf(failure, "CW-INGEST-003 Could not settle %s-%d@%d",
                        kafka.getTopic(), kafka.getPartition(), kafka.getOffset()))
                .onFailure().recoverWithNull();
    }
}
