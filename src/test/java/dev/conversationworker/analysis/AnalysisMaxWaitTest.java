package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;
import dev.conversationworker.waiting.WaitingAnalyses;

/** An LLM that stays down: what waited for it is published as failed once {@code analysis.max-wait} has passed. */
@QuarkusTest
@TestProfile(AnalysisMaxWaitTest.ShortWait.class)
class AnalysisMaxWaitTest {

    private static final Duration MAX_WAIT = Duration.ofSeconds(6);

    public static class ShortWait extends WithLlm {

        // Its own keys in Redis, new for every run: also the outage announcement, which outlives the test.
        private static final String KEY_PREFIX = "cw-max-wait-" + System.nanoTime();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm.circuit.failure-threshold", "3", "llm.circuit.open-for", "2s",
                    "analysis.max-wait", MAX_WAIT.toSeconds() + "s", "history.key-prefix", KEY_PREFIX);
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    WaitingAnalyses waiting;

    @Test
    void anAnalysisThatWaitsLongerThanMaxWaitIsPublishedAsFailed() {
        String token = "tokexpiry" + System.nanoTime();
        LlmOutageTest.down(llm, token);
        long sentAt = System.nanoTime();
        long testStart = System.currentTimeMillis();
        List<String> conversations = LlmOutageTest.send(kafka, token, 5);

        await().atMost(MAX_WAIT.plusSeconds(30)).until(() -> conversations.stream()
                .allMatch(c -> !kafka.records("conversation-analyses", c).isEmpty()));
        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(MAX_WAIT);
        for (String c : conversations) {
            List<JsonObject> analyses = kafka.values("conversation-analyses", c);
            assertThat(analyses).hasSize(1);
            assertThat(analyses.get(0).getString("status")).isEqualTo("failed");
            assertThat(analyses.get(0).getString("error")).contains("analysis.max-wait").contains("attempts");
        }
        assertThat(waiting.count().await().atMost(Duration.ofSeconds(5))).isZero();
        assertThat(LlmOutageTest.outageNotifications(kafka, testStart)).as("one notification about the outage")
                .isEqualTo(1);
    }
}
