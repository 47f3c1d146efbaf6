package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

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

        kafka.send(conversation, Events.closed(close, conversation).encode()); // the trigger, redelivered

        await().atMost(Duration.ofSeconds(20)).until(() -> skipped() > skippedBefore);
        assertThat(kafka.records("conversation-analyses", conversation)).as("published once already").isEmpty();
        assertThat(kafka.records("chat-events-dlq", conversation)).as("nothing wrong with the trigger").isEmpty();
    }

    private double skipped() {
        var counter = registry.find("cw.analyses.skipped").tag("reason", "already-published").counter();
        return counter == null ? 0 : counter.count();
    }
}
