package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * A trigger redelivered after its analysis was published is skipped, whatever else is wrong: its checks and its
 * history read go to Redis together, but a read that fails matters only to a trigger still to be analysed.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class RedeliveredAfterPublishingTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    ConversationHistory history;

    @Inject
    HistoryConfig config;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void aPublishedTriggerIsSkippedEvenWhenItsHistoryCannotBeRead() {
        String conversation = Events.newConversationId("redelivered-published");
        String close = "close-" + conversation;
        history.markPublished(conversation, AnalysisRecord.analysisId(conversation, close)).await()
                .atMost(Duration.ofSeconds(5));
        // Damaged by hand: reading this history fails for good (WRONGTYPE), which no retry mends.
        redis.value(String.class).set(HistoryKeys.of(config.keyPrefix(), conversation).messages(), "not a list");
        double skippedBefore = skipped();

        RecordMetadata trigger = kafka.send(conversation, Events.closed(close, conversation).encode()); // redelivered

        // Done with once the worker commits past it (the skip counter alone is shared with other tests).
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffset(trigger) > trigger.offset());
        assertThat(skipped()).as("skipped as published").isGreaterThan(skippedBefore);
        assertThat(kafka.records("conversation-analyses", conversation)).as("published once already").isEmpty();
        assertThat(kafka.records("chat-events-dlq", conversation)).as("nothing wrong with the trigger").isEmpty();
    }

    private static long committedOffset(RecordMetadata record) throws Exception {
        try (Admin admin = Admin.create(Infrastructure.get().kafkaClientProperties())) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets("conversation-worker")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(new TopicPartition(record.topic(), record.partition()));
            return committed == null ? -1 : committed.offset();
        }
    }

    private double skipped() {
        var counter = registry.find("cw.analyses.skipped").tag("reason", "already-published").counter();
        return counter == null ? 0 : counter.count();
    }
}
