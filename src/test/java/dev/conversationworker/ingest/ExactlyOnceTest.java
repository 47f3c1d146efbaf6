package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * {@code worker.delivery-guarantee=exactly-once} through real Kafka and Redis, read as a consumer must
 * ({@code read_committed}): an analysis, its notification and a dead letter each arrive once, and the input offsets
 * are committed by the worker's transactions, with their map of finished records. The crashes, rebalances and broker
 * restart that make at-least-once repeat are in {@code faults.ExactlyOnceIT}.
 */
@QuarkusTest
@TestProfile(ExactlyOnceTest.ExactlyOnce.class)
class ExactlyOnceTest {

    public static class ExactlyOnce extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("worker.delivery-guarantee", "exactly-once", "worker.commit-interval", "50ms");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    MeterRegistry registry;

    @Test
    void anAnalysisAndItsNotificationArriveOnceAndTheTriggersOffsetIsCommittedWithThem() throws Exception {
        String conversation = Events.newConversationId("exactly-once");
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user",
                "I want a refund, I am angry").encode());
        RecordMetadata close = kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !kafka.records("oncall-notifications", conversation).isEmpty());
        Thread.sleep(500); // a repeat would come within a few commit intervals

        List<ConsumerRecord<byte[], byte[]>> analyses = kafka.records("conversation-analyses", conversation);
        assertThat(analyses).hasSize(1);
        assertThat(KafkaTestClient.header(analyses.get(0), "analysis-id"))
                .isEqualTo(AnalysisRecord.analysisId(conversation, "close-" + conversation));
        assertThat(kafka.records("oncall-notifications", conversation)).as("one attention notification").hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(close).offset() > close.offset());
        assertThat(registry.find("cw.transactions").tag("outcome", "committed").counter().count()).isPositive();
    }

    @Test
    void aPoisonRecordIsDeadLetteredOnceInTheTransactionOfItsOffset() {
        String conversation = Events.newConversationId("exactly-once-poison");
        kafka.unchecked().send(conversation, "{not json"); // off the contract on purpose

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !kafka.records("chat-events-dlq", conversation).isEmpty());
        ConsumerRecord<byte[], byte[]> letter = kafka.records("chat-events-dlq", conversation).get(0);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).isNotBlank();
        assertThat(kafka.records("chat-events-dlq", conversation)).hasSize(1);
    }

    private static OffsetAndMetadata committed(RecordMetadata record) throws Exception {
        try (Admin admin = Admin.create(Infrastructure.get().kafkaClientProperties())) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets("conversation-worker")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(new TopicPartition(record.topic(), record.partition()));
            return committed == null ? new OffsetAndMetadata(-1) : committed;
        }
    }
}
