package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithoutLlm;

/** With no LLM configured the worker still answers, from its offline analyzer, and says so. */
@QuarkusTest
@TestProfile(WithoutLlm.class)
class OfflineAnalysisTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void theOfflineAnalyzerAnswersAndMarksItsAnswerDegraded() {
        String conversation = Events.newConversationId("offline");
        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user",
                "Tôi bị lừa đảo, mất tiền trong tài khoản! Làm sao để lấy lại?").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.values("conversation-analyses", conversation)
                .isEmpty());
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getString("provider")).isEqualTo("offline");
        assertThat(analysis.getString("status")).isEqualTo("degraded");
        assertThat(analysis.getString("model")).isEqualTo(OfflineAnalyzer.MODEL);
        JsonObject result = analysis.getJsonObject("result");
        assertThat(result.getString("language")).isEqualTo("vi");
        assertThat(result.getString("severity")).isEqualTo("critical");
        assertThat(result.getJsonArray("userQuestions").getList()).containsExactly("Làm sao để lấy lại?");

        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("oncall-notifications", conversation)
                .isEmpty());
    }

    @Test
    void anEmptyConversationIsAnalysedWithoutAnyModel() {
        String conversation = Events.newConversationId("empty");
        kafka.send(conversation, Events.analysisRequested("req-" + conversation, conversation).encode());
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.values("conversation-analyses", conversation)
                .isEmpty());
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getInteger("messageCount")).isZero();
        assertThat(analysis.getString("provider")).isEqualTo("none");
        assertThat(analysis.getJsonObject("result").getBoolean("needsAttention")).isFalse();
    }
}
