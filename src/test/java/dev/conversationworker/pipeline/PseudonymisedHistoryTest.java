package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.PlantedPersonalData;
import dev.conversationworker.testsupport.RedisInspector;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * {@code pseudonymise.in-history}: Redis keeps no planted value, only keyed-hash tokens, and the analysis still
 * sees one placeholder per value across messages.
 */
@QuarkusTest
@TestProfile(PseudonymisedHistoryTest.InHistory.class)
class PseudonymisedHistoryTest {

    public static class InHistory extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pseudonymise.in-history", "true",
                    "pseudonymise.history-key", "test-key-of-the-history-tokens-0123456789");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void redisKeepsTokensAndTheLlmSeesOnePlaceholderPerValue() throws Exception {
        String token = PersonalDataEndToEndTest.letters("stored");
        String conversation = Events.newConversationId("pii-stored");
        List<String> messages = List.of("Hi %s, write to jane.doe@example.com please",
                "Again: jane.doe@example.com, or call (212) 555-0134. Order ORD-55120034.");
        PlantedPersonalData.send(kafka, conversation, messages, token);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.values("conversation-analyses", conversation).size() == 1);

        List<HistoryEntry> stored;
        try (RedisInspector redis = new RedisInspector(Infrastructure.get().redisHosts(), "cw")) {
            stored = redis.history(conversation);
        }
        assertThat(stored).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.tokenised()).isTrue();
            assertThat(entry.text()).doesNotContain("jane.doe@example.com").doesNotContain("555-0134")
                    .contains("⟦EMAIL:");
        });
        assertThat(stored.get(1).text()).contains("ORD-55120034");
        String firstToken = stored.get(0).text().replaceAll(".*(⟦EMAIL:[0-9a-f]+⟧).*", "$1");
        assertThat(stored.get(1).text()).as("the same value, the same token").contains(firstToken);

        String prompt = llm.calls(token).get(0).request().encode();
        assertThat(prompt).contains("<EMAIL_1>").doesNotContain("<EMAIL_2>").doesNotContain("⟦");
        PlantedPersonalData.leakForms().forEach(value -> assertThat(prompt).doesNotContain(value));
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getJsonObject("pseudonymisation").getString("status")).isEqualTo("applied");
    }
}
