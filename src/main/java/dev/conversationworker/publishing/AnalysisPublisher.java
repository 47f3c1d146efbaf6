package dev.conversationworker.publishing;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.ops.TopicsConfig;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.support.KafkaHeaders;

/** Publishes analyses; the returned {@link Uni} completes only once Kafka has accepted the record (acks=all). */
@ApplicationScoped
public class AnalysisPublisher {

    public static final String CHANNEL = "conversation-analyses";

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> emitter;

    @Inject
    Traces traces;

    @Inject
    ObjectMapper json;

    @Inject
    TopicsConfig topics;

    /** Completes once Kafka has the record, which carries {@code trace} as its {@code traceparent}. */
    public Uni<Void> publish(AnalysisRecord analysis, Context trace) {
        String value;
        try {
            value = json.writeValueAsString(analysis);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return emitter.sendMessage(traces.carry(Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(analysis.conversationId()).withHeaders(headers(analysis)).build()),
                trace));
    }

    /** The same record, for exactly-once mode's own producer (it joins a transaction instead of being sent here). */
    public ProducerRecord<byte[], byte[]> record(AnalysisRecord analysis, Context trace) {
        byte[] value;
        try {
            value = json.writeValueAsBytes(analysis);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an analysis record that cannot be written as JSON", e);
        }
        Headers headers = headers(analysis);
        traces.inject(trace, headers);
        return new ProducerRecord<>(topics.analyses(), null,
                analysis.conversationId().getBytes(StandardCharsets.UTF_8), value, headers);
    }

    private static Headers headers(AnalysisRecord analysis) {
        return new KafkaHeaders().add("analysis-id", analysis.analysisId())
                .add("status", analysis.status().wireName()).build();
    }
}
