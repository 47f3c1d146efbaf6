package dev.conversationworker.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Role;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** History in the real Redis: in order, once per event id even when Kafka redelivers, bounded and expiring. */
@QuarkusTest
@TestProfile(WithLlm.class)
class ConversationHistoryTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig config;

    @Inject
    ConversationHistory history;

    @Test
    void aRedeliveredMessageIsStoredOnceAndTheHistoryKeepsItsOrder() {
        String conversation = Events.newConversationId("redelivery");
        String first = Events.message("m1-" + conversation, conversation, "user", "Xin chào 👋").encode();
        kafka.send(conversation, first);
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "assistant", "Hi!").encode());
        kafka.send(conversation, first); // redelivered (same eventId)
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);
        List<HistoryEntry> stored = HistoryCodec.decode(redis.list(String.class)
                .lrange(HistoryKeys.of(config.keyPrefix(), conversation).messages(), 0, -1)).entries();
        assertThat(stored).extracting(HistoryEntry::eventId).containsExactly("m1-" + conversation,
                "m2-" + conversation);
        assertThat(stored.get(0).text()).isEqualTo("Xin chào 👋");
        assertThat(stored.get(0).role()).isEqualTo("user");
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getInteger("messageCount")).isEqualTo(2);
    }

    @Test
    void theHistoryIsBoundedAndExpires() {
        String conversation = "c:{tag}/weird id " + System.nanoTime();
        int sent = config.maxMessages() + 5;
        for (int i = 1; i <= sent; i++) {
            kafka.send(conversation, Events.message("m" + i + "-" + conversation, conversation, "user", "n" + i)
                    .encode());
        }
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);

        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), conversation);
        List<HistoryEntry> stored = HistoryCodec.decode(redis.list(String.class).lrange(keys.messages(), 0, -1))
                .entries();
        assertThat(stored).hasSize(config.maxMessages());
        assertThat(stored.get(0).text()).isEqualTo("n6");
        assertThat(stored.get(stored.size() - 1).text()).isEqualTo("n" + sent);
        long ttl = redis.key().ttl(keys.messages());
        assertThat(ttl).isPositive().isLessThanOrEqualTo(config.ttl().toSeconds());
        assertThat(redis.key().ttl(keys.seenEventIds())).isPositive();
        assertThat(kafka.values("conversation-analyses", conversation).get(0).getInteger("messageCount"))
                .isEqualTo(config.maxMessages());
    }

    @Test
    void aTriggerReadsOnlyTheMessagesStoredBeforeItsOffset() {
        String conversation = Events.newConversationId("as-it-stood");
        append(conversation, "m1", 0, 10);
        append(conversation, "m2", 0, 11);
        append(conversation, "m3", 0, 13); // produced after the trigger at offset 12

        HistoryWindow atTrigger = history.readBefore(conversation, 0, 12, 10_000, 4_000).await().indefinitely();
        assertThat(atTrigger.messageCount()).isEqualTo(2);
        assertThat(HistoryCodec.decode(atTrigger.entries()).entries()).extracting(HistoryEntry::eventId)
                .containsExactly("m1", "m2");
        assertThat(atTrigger.unplaced()).isZero();

        HistoryWindow later = history.readBefore(conversation, 0, 14, 10_000, 4_000).await().indefinitely();
        assertThat(later.messageCount()).isEqualTo(3);
        // Another partition (the topic was repartitioned): the position is unknown, everything counts as earlier.
        HistoryWindow elsewhere = history.readBefore(conversation, 1, 12, 10_000, 4_000).await().indefinitely();
        assertThat(elsewhere.messageCount()).isEqualTo(3);
        assertThat(elsewhere.unplaced()).isEqualTo(3);
    }

    @Test
    void aTriggerReadsOnlyAsMuchOfALongHistoryAsTheBudgetCanUse() {
        String conversation = Events.newConversationId("budget");
        String text = "Đ".repeat(1000);
        for (int i = 0; i < 50; i++) {
            append(conversation, "m" + i, 0, i, text);
        }
        HistoryWindow window = history.readBefore(conversation, 0, 1000, 3_000, 4_000).await().indefinitely();
        assertThat(window.messageCount()).isEqualTo(50);
        // Characters, not bytes: three 1,000-character texts fill a budget of 3,000.
        assertThat(HistoryCodec.decode(window.entries()).entries()).extracting(HistoryEntry::eventId)
                .containsExactly("m47", "m48", "m49");
        // Each text counts only as far as the formatter would show it: 500 of each, so six fill 3,000.
        assertThat(history.readBefore(conversation, 0, 1000, 3_000, 500).await().indefinitely().entries())
                .hasSize(6);
    }

    @Test
    void aDamagedEntryIsSkippedAndTheConversationIsStillAnalysed() {
        String conversation = Events.newConversationId("damaged");
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user", "first").encode());
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "user", "second").encode());
        String messages = HistoryKeys.of(config.keyPrefix(), conversation).messages();
        await().atMost(Duration.ofSeconds(20)).until(() -> redis.list(String.class).llen(messages) == 2);
        redis.list(String.class).lset(messages, 0, "{\"eventId\": \"m1\", \"text\": overwritten by hand");

        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getString("status")).isEqualTo("ok");
        assertThat(analysis.getInteger("messageCount")).isEqualTo(1);
        assertThat(kafka.records("chat-events-dlq", conversation)).isEmpty();
    }

    @Test
    void damagedKeysOfAConversationFailNeitherItsMessagesNorItsAnalysis() {
        String conversation = Events.newConversationId("damaged-keys");
        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), conversation);
        redis.value(String.class).set(keys.publishedAnalyses(), "written by hand");
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user", "first").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);
        assertThat(kafka.values("conversation-analyses", conversation).get(0).getInteger("messageCount"))
                .isEqualTo(1);
        assertThat(kafka.records("chat-events-dlq", conversation)).isEmpty();
    }

    @Test
    void aTriggerSentTwiceIsAnalysedOnceEvenWithMessagesInBetween() {
        String conversation = Events.newConversationId("published-once");
        String request = Events.analysisRequested("req-" + conversation, conversation).encode();
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user", "first").encode());
        kafka.send(conversation, request);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "user", "second").encode());
        kafka.send(conversation, request); // the same trigger again, as a producer retrying would send it
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 2);
        List<JsonObject> analyses = kafka.values("conversation-analyses", conversation);
        assertThat(analyses).extracting(a -> a.getString("trigger"))
                .containsExactly("analysis.requested", "conversation.closed");
        assertThat(analyses.get(0).getInteger("messageCount")).isEqualTo(1);
        assertThat(analyses.get(1).getInteger("messageCount")).isEqualTo(2);
    }

    private void append(String conversation, String eventId, int partition, long offset) {
        append(conversation, eventId, partition, offset, "text of " + eventId);
    }

    private void append(String conversation, String eventId, int partition, long offset, String text) {
        ChatEvent message = new ChatEvent(eventId, EventType.MESSAGE, conversation,
                OffsetDateTime.parse("2026-11-24T10:00:00Z"), Role.USER, text, null, null, null, Map.of());
        assertThat(history.append(message, partition, offset).await().indefinitely()).isTrue();
    }
}
