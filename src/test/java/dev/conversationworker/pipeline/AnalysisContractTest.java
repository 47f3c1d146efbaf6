package dev.conversationworker.pipeline;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** What analytics consumers and on-call engineers see on the output topics, field by field. */
@QuarkusTest
@TestProfile(WithLlm.class)
class AnalysisContractTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aClosedConversationYieldsOneAnalysisWithEveryContractField() {
        String conversation = Events.newConversationId("contract");
        kafka.send(conversation, Events.message("e1-" + conversation, conversation, "user",
                "Làm sao để đổi mật khẩu?").encode());
        kafka.send(conversation, Events.message("e2-" + conversation, conversation, "assistant",
                "Vào Cài đặt → Bảo mật.").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        JsonObject analysis = awaitOne("conversation-analyses", conversation);

        assertThat(analysis.fieldNames()).containsExactlyInAnyOrder("schemaVersion", "analysisId", "conversationId",
                "triggerEventId", "trigger", "status", "messageCount", "truncated", "analyzedAt", "model",
                "promptVersion", "provider", "llmLatencyMs", "usage", "result", "pseudonymisation");
        assertThat(analysis.getJsonObject("pseudonymisation").getString("status")).isEqualTo("applied");
        assertThat(analysis.getString("schemaVersion")).isEqualTo("2");
        assertThat(analysis.getString("promptVersion")).isEqualTo(ConversationAnalyzer.promptVersion());
        // One call, answered with its usage: nothing estimated.
        JsonObject usage = analysis.getJsonObject("usage");
        assertThat(usage.getInteger("calls")).isEqualTo(1);
        assertThat(usage.getBoolean("estimated")).isFalse();
        assertThat(usage.getLong("promptTokens")).isGreaterThan(usage.getLong("cachedTokens")).isPositive();
        assertThat(usage.getLong("completionTokens")).isPositive();
        assertThat(analysis.getString("analysisId"))
                .isEqualTo(AnalysisRecord.analysisId(conversation, "close-" + conversation));
        assertThat(analysis.getString("conversationId")).isEqualTo(conversation);
        assertThat(analysis.getString("triggerEventId")).isEqualTo("close-" + conversation);
        assertThat(analysis.getString("trigger")).isEqualTo("conversation.closed");
        assertThat(analysis.getString("status")).isEqualTo("ok");
        assertThat(analysis.getInteger("messageCount")).isEqualTo(2);
        assertThat(analysis.getBoolean("truncated")).isFalse();
        assertThat(Instant.parse(analysis.getString("analyzedAt"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(analysis.getString("model")).isEqualTo("primary-model");
        assertThat(analysis.getString("provider")).isEqualTo("primary");
        assertThat(analysis.getLong("llmLatencyMs")).isNotNegative();
        JsonObject result = analysis.getJsonObject("result");
        assertThat(result.fieldNames()).containsExactlyInAnyOrder("userQuestions", "intent", "sentiment", "summary",
                "needsAttention", "severity", "language");
        assertThat(result.getJsonArray("userQuestions").getList()).containsExactly("How do I change my password?");
        assertThat(result.getString("language")).isEqualTo("vi");
        assertThat(result.getBoolean("needsAttention")).isFalse();

        ConsumerRecord<byte[], byte[]> record = kafka.records("conversation-analyses", conversation).get(0);
        assertThat(header(record, "analysis-id")).isEqualTo(analysis.getString("analysisId"));
        // Low severity: no notification for it.
        assertThat(kafka.records("oncall-notifications", conversation)).isEmpty();
    }

    @Test
    void anAnalysisRequestedMidConversationAnalysesTheConversationAsItStands() {
        String conversation = Events.newConversationId("requested");
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user", "Hello?").encode());
        kafka.send(conversation, Events.analysisRequested("req-" + conversation, conversation).encode());
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "user", "Anyone?").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.values("conversation-analyses", conversation).size() == 2);
        List<JsonObject> analyses = kafka.values("conversation-analyses", conversation);
        assertThat(analyses).extracting(a -> a.getString("trigger"))
                .containsExactly("analysis.requested", "conversation.closed");
        assertThat(analyses).extracting(a -> a.getInteger("messageCount")).containsExactly(1, 2);
    }

    @Test
    void aConversationNeedingAttentionNotifiesOnCallWithAThreadedCard() {
        String conversation = Events.newConversationId("attention");
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user",
                "I was charged twice and I want a refund now, I am angry").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        JsonObject analysis = awaitOne("conversation-analyses", conversation);
        assertThat(analysis.getJsonObject("result").getString("severity")).isEqualTo("high");
        JsonObject message = awaitOne("oncall-notifications", conversation);
        ConsumerRecord<byte[], byte[]> record = kafka.records("oncall-notifications", conversation).get(0);

        assertThat(header(record, "severity")).isEqualTo("high");
        assertThat(header(record, "dedupe-key")).isEqualTo(analysis.getString("analysisId"));
        assertThat(header(record, "kind")).isEqualTo("attention");
        assertThat(message.getString("text")).contains("HIGH").contains(conversation)
                .contains("Simulated summary");
        assertThat(message.getJsonObject("thread").getString("threadKey")).startsWith("conversation-");
        JsonObject card = message.getJsonArray("cardsV2").getJsonObject(0).getJsonObject("card");
        assertThat(card.getJsonObject("header").getString("title")).contains("HIGH");
        assertThat(card.getJsonArray("sections").encode()).contains("Severity").contains("User questions")
                .contains("How do I change my password?");
    }

    private JsonObject awaitOne(String topic, String conversation) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.values(topic, conversation).isEmpty());
        List<JsonObject> values = kafka.values(topic, conversation);
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
